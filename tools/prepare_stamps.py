"""Turn Tux Paint's stamps into a folder of square colour pictures.

No real photo dataset of a few thousand colour images can be installed
offline from a package registry, so the colour run of the generative guide
trains on the best stand-in there is: the cut-out pictures of Debian's
`tuxpaint-stamps-default` package (GPL-2.0-or-later; about 550 pictures of
animals, food, plants, vehicles, buildings, clothes and household things
outside its `symbols` folder, roughly 60% of them photographs and the rest
drawings). Each picture is laid on a white background (its transparent
pixels become white), padded with white to a square around its centre,
resized with OpenCV's area interpolation to `--size` pixels and written to
OUTPUT as `<category>-<subfolders>-<name>.png`, so that `load_images` and
`mnist-arith train ... --images OUTPUT` read them (they read one flat folder).
`--groups` also writes one folder per top-level category (`OUTPUT-groups/animals`,
...) for `mnist-arith arithmetic`.

Get the pictures, then run from the repository root:

    apt-get download tuxpaint-stamps-default
    dpkg-deb -x tuxpaint-stamps-default_*.deb tuxpaint
    python tools/prepare_stamps.py tuxpaint/usr/share/tuxpaint/stamps stamps --groups

The pictures are not part of this project; keep them out of the repository.
"""

import argparse
import pathlib
import shutil
import sys

import cv2
import numpy as np

EXCLUDED = ("symbols",)
"""Top-level stamp folders left out: flags, signs, coins and shapes."""


def square_on_white(image: np.ndarray) -> np.ndarray:
    """A BGR(A) or grey picture on white, padded to a centred square (uint8 BGR)."""
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.dtype != np.uint8:  # 16-bit PNGs
        image = (image / 257).round().astype(np.uint8)
    if image.shape[-1] == 4:
        alpha = image[..., 3:].astype(np.float32) / 255
        colour = image[..., :3].astype(np.float32)
        image = (colour * alpha + 255 * (1 - alpha)).round().astype(np.uint8)
    height, width = image.shape[:2]
    side = max(height, width)
    top, left = (side - height) // 2, (side - width) // 2
    return cv2.copyMakeBorder(
        image,
        top,
        side - height - top,
        left,
        side - width - left,
        cv2.BORDER_CONSTANT,
        value=(255, 255, 255),
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("stamps", help="the package's stamps folder")
    parser.add_argument("output", help="the folder to write (must not exist)")
    parser.add_argument("--size", type=int, default=128, help="side in pixels")
    parser.add_argument(
        "--groups", action="store_true", help="also one folder per category"
    )
    arguments = parser.parse_args(argv)
    source, output = pathlib.Path(arguments.stamps), pathlib.Path(arguments.output)
    if not source.is_dir():
        parser.error(f"no such folder: {source}")
    groups = output.with_name(output.name + "-groups")
    for folder in (output, groups) if arguments.groups else (output,):
        if folder.exists():
            parser.error(f"{folder} exists already; choose a new folder")
    files = sorted(
        path
        for path in source.rglob("*.png")
        if path.relative_to(source).parts[0] not in EXCLUDED
    )
    if not files:
        parser.error(f"{source} holds no PNG stamps")
    # Written under `.partial` names and renamed at the end: an interrupted
    # run leaves no folder that looks finished.
    partial = output.with_name(output.name + ".partial")
    partial_groups = groups.with_name(groups.name + ".partial")
    for folder in (partial, partial_groups):
        shutil.rmtree(folder, ignore_errors=True)
    partial.mkdir(parents=True)
    counts = {}
    for path in files:
        image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
        if image is None:
            print(f"skipped, not readable: {path}", file=sys.stderr)
            continue
        square = cv2.resize(
            square_on_white(image),
            (arguments.size, arguments.size),
            interpolation=cv2.INTER_AREA,
        )
        parts = path.relative_to(source).with_suffix("").parts
        name = "-".join(parts) + ".png"
        cv2.imwrite(str(partial / name), square)
        counts[parts[0]] = counts.get(parts[0], 0) + 1
        if arguments.groups:
            (partial_groups / parts[0]).mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(partial_groups / parts[0] / name), square)
    if arguments.groups:
        partial_groups.rename(groups)
    partial.rename(output)
    print(f"{sum(counts.values())} pictures in {output}:")
    for category, count in sorted(counts.items(), key=lambda item: -item[1]):
        print(f"  {category}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
