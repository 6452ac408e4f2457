"""tools/prepare_stamps.py: cut-out pictures on white, square, in one folder."""

import cv2
import numpy as np
import pytest
from tool_scripts import load_tool

stamps = load_tool("prepare_stamps")


def test_transparent_pixels_become_white_and_the_picture_is_centred():
    picture = np.zeros((2, 4, 4), np.uint8)  # BGRA, 2 rows by 4 columns
    picture[..., 2] = 200  # red
    picture[:, :2, 3] = 255  # left half opaque, right half transparent
    picture[1, 0, 3] = 51  # one pixel a fifth opaque
    square = stamps.square_on_white(picture)
    assert square.shape == (4, 4, 3) and square.dtype == np.uint8
    # One white row above and below the two picture rows.
    np.testing.assert_array_equal(square[0], 255)
    np.testing.assert_array_equal(square[3], 255)
    np.testing.assert_array_equal(square[1, 0], [0, 0, 200])
    np.testing.assert_array_equal(square[1, 2:], 255)  # transparent: white
    # A fifth of red over four fifths of white.
    np.testing.assert_array_equal(square[2, 0], [204, 204, 244])


def test_grey_and_opaque_pictures_are_padded_to_squares():
    grey = np.full((3, 1), 7, np.uint8)
    square = stamps.square_on_white(grey)
    assert square.shape == (3, 3, 3)
    np.testing.assert_array_equal(square[:, 1], 7)
    np.testing.assert_array_equal(square[:, [0, 2]], 255)


def _write(path, picture):
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), picture)


def test_writes_one_flat_folder_without_symbols_and_one_folder_per_group(
    tmp_path, capsys
):
    source = tmp_path / "stamps"
    _write(source / "animals" / "birds" / "duck.png", np.zeros((10, 20, 4), np.uint8))
    _write(source / "food" / "pear.png", np.full((30, 10, 3), 90, np.uint8))
    _write(source / "symbols" / "flag.png", np.zeros((8, 8, 3), np.uint8))
    output = tmp_path / "pictures"
    assert stamps.main([str(source), str(output), "--size", "16", "--groups"]) == 0
    names = sorted(path.name for path in output.iterdir())
    assert names == ["animals-birds-duck.png", "food-pear.png"]
    duck = cv2.imread(str(output / "animals-birds-duck.png"))
    assert duck.shape == (16, 16, 3)
    np.testing.assert_array_equal(duck, 255)  # wholly transparent: white
    groups = tmp_path / "pictures-groups"
    assert sorted(path.name for path in groups.iterdir()) == ["animals", "food"]
    assert (groups / "food" / "food-pear.png").is_file()
    assert not (tmp_path / "pictures.partial").exists()
    assert not (tmp_path / "pictures-groups.partial").exists()
    assert "2 pictures in" in capsys.readouterr().out


@pytest.mark.parametrize("existing", ["pictures", "pictures-groups"])
def test_refuses_an_existing_output_folder(tmp_path, existing):
    source = tmp_path / "stamps"
    _write(source / "food" / "pear.png", np.zeros((4, 4, 3), np.uint8))
    (tmp_path / existing).mkdir()
    with pytest.raises(SystemExit) as error:
        stamps.main([str(source), str(tmp_path / "pictures"), "--groups"])
    assert error.value.code == 2
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        ["stamps", existing]
    )
