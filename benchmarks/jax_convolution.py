"""How fast JAX runs our stride-2 convolutions on the CPU, and ways to speed them up.

With Keras's own transposed convolution, JAX trains the package's
convolutional models (VAE, GAN, image2text) several times slower on the CPU
than torch or TensorFlow (the package now builds `TransposedConvolution`
instead, whose gradient is this script's "custom-vjp"). This script times, on the
models' own shapes (batch 64, NHWC, float32), each stride-2 convolution and
transposed convolution of

- the default digit GAN: discriminator Conv2D 4x4 'same' 1->64 (28->14) and
  64->128 (14->7); generator Conv2DTranspose 4x4 'same' 128->64 (7->14) and
  64->1 (14->28);
- the digit VAE: encoder Conv2D 3x3 'same' 1->32 (28->14) and 32->64 (14->7);
  decoder Conv2DTranspose 3x3 'same' 64->64 (7->14) and 64->32 (14->28),

three ways: the forward pass (`fwd`), forward and weight gradient (`fwd+dW`),
and forward and both gradients (`fwd+dx+dW`), each one jitted function
(`jax.value_and_grad` of <output, fixed cotangent>), in formulations that
compute the same numbers:

conv (stride 2, 'same'):
  lax         `lax.conv_general_dilated`, NHWC/HWIO, as Keras calls it;
              autodiff (dW is a conv of the input with the dilated output
              gradient, dx a conv over the zero-dilated output gradient).
  lax-nchw    the same in NCHW/OIHW (tensors kept channels-first).
  s2d         space-to-depth: a stride-1 conv with a ceil(k/2) kernel over
              the padded input's 2x2 blocks (4*C channels); autodiff.
  patches     `lax.conv_general_dilated_patches` (im2col) + matmul; autodiff.
  matmul      im2col by k*k strided slices + one matmul; autodiff (dW is a
              matmul, dx a matmul and an overlap-add of k*k pads).
  custom-vjp  `lax` forward; `jax.custom_vjp` backward: dW = slices^T @ g,
              dx = the `matmul` transposed convolution of g.

conv-transpose (stride 2, Keras 'same' padding):
  lax         `lax.conv_transpose(..., transpose_kernel=True)` with Keras's
              padding, as Keras calls it (a conv over the zero-dilated input).
  lax-nchw    the same in NCHW/OIHW.
  subpixel    a stride-1 conv with a ceil(k/2) kernel and 4*F outputs, then
              depth-to-space; autodiff.
  matmul      x @ W (each input pixel's k x k output patch, the kernel
              zero-padded to even k), then the patches' overlap-add per
              output phase (ceil(k/2)^2 shifted adds each); autodiff.
  custom-vjp  `lax` forward; `jax.custom_vjp` backward: dx = the stride-2
              conv of g (`lax`, as autodiff does), dW = slices(g)^T @ x (a
              matmul) instead of a conv of the dilated input.

Every formulation's output, dx and dW are checked against `lax` first (the
largest absolute difference, and that over the array's largest value, are
printed; a relative difference over 1e-5 is reported as a MISMATCH). Times
are medians over `--repeats` interleaved rounds (every variant once per
round), each round timing a block of calls of about `--block-ms` ms.

Run from the repository root, pinned to one core for comparable numbers:

    taskset -c 1 python benchmarks/jax_convolution.py

Options: `--torch-python /path/to/python` adds torch's `F.conv2d` /
`F.conv_transpose2d` with autograd (one thread, NCHW), run by that
interpreter in a subprocess (`--torch` is that mode); `--xla-flags=--FLAG`
(repeatable) instead times `lax` and `custom-vjp` under each XLA_FLAGS value
in alternating subprocesses (`--repeats` of each) and prints their ratio to
the unflagged run;
`--precision` sets `jax.default_matmul_precision`; `--ops` picks ops.
Only jax and numpy are needed (and torch for `--torch`). Keras is not used.

What it found (jax/jaxlib 0.10.2, torch 2.13 CPU, both pinned to one core of
a busy 2-core Xeon, so absolute times vary up to 2x between runs; ratios
within one run hold better):

- The stride-2 convs are not the problem: `lax` fwd+dx+dW is 0.2-1.0x
  torch's (gan-d2 50-84 ms vs torch 67-87 ms).
- The transposed convs are: autodiff turns their weight gradient into a
  convolution with a window the size of the image, rhs dilation and
  batch-as-feature dimensions, which XLA:CPU does not give to YNNPACK; it
  takes 30-80x the forward (fwd+dx+dW: gan-g1 0.6-1.0 s, vae-d2 0.9-1.4 s,
  torch 50-80 ms). `matmul`, `subpixel` (except gan-g1, whose stride-1 dW
  conv is slower still) and `custom-vjp` bring them to about 0.5-2x torch:
  6-16x faster than `lax` on gan-g1, vae-d1 and vae-d2 (gan-g2, 64->1, is
  cheap either way).
- NCHW, `jax.default_matmul_precision` (same compiled program) and XLA flags
  do not help; `--xla_cpu_experimental_ynn_fusion_type=` (no YNNPACK) makes
  the small-channel convs 3-7x slower.
- The package's digit GAN trained 1.8x faster per step (1.47 s -> 0.81 s;
  torch 1.04 s, TensorFlow 0.73 s) and its digit VAE 7.4x (1.66 s -> 0.22 s;
  torch 0.33 s, TensorFlow 0.10 s) with Keras's conv/conv_transpose swapped
  for `custom-vjp` (a one-off script; only the conv-transpose swap matters).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

BATCH = 64

# name: (kind, (height, width, input channels), kernel size, output channels)
OPS = {
    "gan-d1": ("conv", (28, 28, 1), 4, 64),
    "gan-d2": ("conv", (14, 14, 64), 4, 128),
    "gan-g1": ("conv_t", (7, 7, 128), 4, 64),
    "gan-g2": ("conv_t", (14, 14, 64), 4, 1),
    "vae-e1": ("conv", (28, 28, 1), 3, 32),
    "vae-e2": ("conv", (14, 14, 32), 3, 64),
    "vae-d1": ("conv_t", (7, 7, 64), 3, 64),
    "vae-d2": ("conv_t", (14, 14, 64), 3, 32),
}
MODES = ("fwd", "fwd+dW", "fwd+dx+dW")
NHWC = ("NHWC", "HWIO", "NHWC")


def kernel_shape(kind, channels, kernel, filters):
    """Keras's kernel layout: HWIO for conv, (k, k, filters, in) for conv_t."""
    if kind == "conv":
        return (kernel, kernel, channels, filters)
    return (kernel, kernel, filters, channels)


# ---------------------------------------------------------------------------
# The formulations. Each is f(x, w) -> y with Keras's layouts and padding.
# ---------------------------------------------------------------------------


def make_formulations():
    """Returns {"conv": {name: f}, "conv_t": {name: f}} built on jax."""
    import jax
    import jax.numpy as jnp
    from jax import lax

    def same_padding(size, kernel):
        """lax/Keras 'SAME' padding (low, high) of a stride-2 conv."""
        out = -(-size // 2)
        total = max((out - 1) * 2 + kernel - size, 0)
        return total // 2, total - total // 2

    # -- conv, stride 2, 'same' ------------------------------------------

    def conv_lax(x, w):
        return lax.conv_general_dilated(x, w, (2, 2), "SAME", dimension_numbers=NHWC)

    def conv_lax_nchw(x, w):
        # x, w and the output are NCHW/OIHW already (transposed outside, as a
        # channels-first model keeps its tensors).
        return lax.conv_general_dilated(
            x, w, (2, 2), "SAME", dimension_numbers=("NCHW", "OIHW", "NCHW")
        )

    def conv_s2d(x, w):
        n, h, wd, c = x.shape
        k, o = w.shape[0], w.shape[3]
        kk = -(-k // 2)
        oh, ow = -(-h // 2), -(-wd // 2)
        (ph, _), (pw, _) = same_padding(h, k), same_padding(wd, k)
        # Pad so that the input is 2 * (out + kk - 1) long; the kernel to 2*kk.
        xp = jnp.pad(
            x,
            (
                (0, 0),
                (ph, 2 * (oh + kk - 1) - h - ph),
                (pw, 2 * (ow + kk - 1) - wd - pw),
                (0, 0),
            ),
        )
        s = xp.reshape(n, oh + kk - 1, 2, ow + kk - 1, 2, c)
        s = s.transpose(0, 1, 3, 2, 4, 5).reshape(n, oh + kk - 1, ow + kk - 1, 4 * c)
        wp = jnp.pad(w, ((0, 2 * kk - k), (0, 2 * kk - k), (0, 0), (0, 0)))
        wp = wp.reshape(kk, 2, kk, 2, c, o).transpose(0, 2, 1, 3, 4, 5)
        wp = wp.reshape(kk, kk, 4 * c, o)
        return lax.conv_general_dilated(s, wp, (1, 1), "VALID", dimension_numbers=NHWC)

    def conv_patches(x, w):
        # lax's own im2col; its feature axis is C-major: (C, kh, kw).
        k, c, o = w.shape[0], w.shape[2], w.shape[3]
        p = lax.conv_general_dilated_patches(
            x, (k, k), (2, 2), "SAME", dimension_numbers=NHWC
        )
        return p @ w.transpose(2, 0, 1, 3).reshape(c * k * k, o)

    def slice_patches(x, k):
        """(N, OH, OW, k, k, C) patches of a stride-2 'same' conv, by slicing.

        k*k strided slices of the padded input; their gradient is k*k
        interior-padded pads (an overlap-add), with no convolution anywhere.
        """
        n, h, wd, c = x.shape
        oh, ow = -(-h // 2), -(-wd // 2)
        xp = jnp.pad(x, ((0, 0), same_padding(h, k), same_padding(wd, k), (0, 0)))
        taps = [
            xp[:, i : i + 2 * oh - 1 : 2, j : j + 2 * ow - 1 : 2]
            for i in range(k)
            for j in range(k)
        ]
        return jnp.stack(taps, axis=3).reshape(n, oh, ow, k, k, c)

    def conv_matmul(x, w):
        k, c, o = w.shape[0], w.shape[2], w.shape[3]
        p = slice_patches(x, k)
        return p.reshape(*p.shape[:3], k * k * c) @ w.reshape(k * k * c, o)

    # -- conv transpose, stride 2, Keras 'same' ----------------------------
    # Keras's Conv2DTranspose(k, strides=2, padding="same") is the adjoint of
    # the stride-2 'same' conv from (2H, 2W, F) to (H, W, C) with the same
    # kernel (k, k, F, C) read as HWIO.

    def conv_t_lax(x, w):
        k = w.shape[0]
        pad_len = 2 + k - 2
        low = min(pad_len // 2 + pad_len % 2, k - 1)
        padding = [(low, pad_len - low)] * 2
        return lax.conv_transpose(
            x, w, (2, 2), padding, dimension_numbers=NHWC, transpose_kernel=True
        )

    def conv_t_lax_nchw(x, w):
        k = w.shape[2]
        pad_len = 2 + k - 2
        low = min(pad_len // 2 + pad_len % 2, k - 1)
        padding = [(low, pad_len - low)] * 2
        return lax.conv_transpose(
            x,
            w,
            (2, 2),
            padding,
            dimension_numbers=("NCHW", "OIHW", "NCHW"),
            transpose_kernel=True,
        )

    def phase_geometry(h, k):
        """kk (sub-kernel size), crop offset, phase rows M for output 2h."""
        kk = -(-k // 2)
        low = same_padding(2 * h, k)[0]
        rows = -(-(2 * h + low) // 2)
        return kk, low, rows

    def depth_to_space(z, low, out_h, out_w, f):
        """(N, M, M', 2*2*F) phases -> (N, 2M, 2M', F), cropped to out."""
        n, m, mw = z.shape[:3]
        z = z.reshape(n, m, mw, 2, 2, f).transpose(0, 1, 3, 2, 4, 5)
        z = z.reshape(n, 2 * m, 2 * mw, f)
        return z[:, low : low + out_h, low : low + out_w]

    def conv_t_subpixel(x, w):
        # Output row 2m + p - low gets sum_a x[m - a] w[2a + p]: per phase p a
        # stride-1 "full" correlation of x with the flipped sub-kernel.
        _, h, wd, c = x.shape
        k, f = w.shape[0], w.shape[2]
        kk, low, rows = phase_geometry(h, k)
        _, _, cols = phase_geometry(wd, k)
        wp = jnp.pad(w, ((0, 2 * kk - k), (0, 2 * kk - k), (0, 0), (0, 0)))
        wp = wp.reshape(kk, 2, kk, 2, f, c)[::-1, :, ::-1]
        wp = wp.transpose(0, 2, 5, 1, 3, 4).reshape(kk, kk, c, 4 * f)
        z = lax.conv_general_dilated(
            x,
            wp,
            (1, 1),
            [(kk - 1, rows - h), (kk - 1, cols - wd)],
            dimension_numbers=NHWC,
        )
        return depth_to_space(z, low, 2 * h, 2 * wd, f)

    def conv_t_matmul(x, w):
        # p[n, i, j, t1, t2, f] = sum_c x[n, i, j, c] w[t1, t2, f, c]; output
        # row 2m + p - low gets sum_a p[m - a, 2a + p]: kk*kk shifted adds.
        n, h, wd, c = x.shape
        k, f = w.shape[0], w.shape[2]
        kk, low, rows = phase_geometry(h, k)
        _, _, cols = phase_geometry(wd, k)
        wp = jnp.pad(w, ((0, 2 * kk - k), (0, 2 * kk - k), (0, 0), (0, 0)))
        p = x.reshape(n * h * wd, c) @ wp.transpose(3, 0, 1, 2).reshape(c, -1)
        p = p.reshape(n, h, wd, kk, 2, kk, 2, f)
        z = 0
        for a1 in range(kk):
            for a2 in range(kk):
                # lax.pad takes the negative padding that crops (k odd).
                z = z + lax.pad(
                    p[:, :, :, a1, :, a2],
                    np.float32(0),
                    [(0, 0, 0), (a1, rows - h - a1, 0), (a2, cols - wd - a2, 0)]
                    + [(0, 0, 0)] * 3,
                )
        # z: (N, M, M', 2, 2, F) -> phases last.
        return depth_to_space(z.reshape(n, rows, cols, 4 * f), low, 2 * h, 2 * wd, f)

    # -- custom_vjp versions ------------------------------------------------
    # Each gradient by the fastest pieces above: weight gradients as one
    # matmul of sliced patches, input gradients as the other op's matmul form.

    def conv_weight_grad(x, g, k):
        """dW (k, k, C, O) of a stride-2 'same' conv: patches(x)^T @ g."""
        return jnp.einsum("nijklc,nijo->klco", slice_patches(x, k), g)

    def with_gradient(forward, backward):
        """`forward(x, w)` whose gradient `backward(x, w, g)` gives (custom_vjp)."""

        @jax.custom_vjp
        def function(x, w):
            return forward(x, w)

        function.defvjp(
            lambda x, w: (forward(x, w), (x, w)),
            lambda residuals, g: backward(*residuals, g),
        )
        return function

    def conv_custom_bwd(x, w, g):
        # dx is the transposed conv of g; crop in case H or W is odd.
        dx = conv_t_matmul(g, w)[:, : x.shape[1], : x.shape[2]]
        return dx, conv_weight_grad(x, g, w.shape[0])

    def conv_t_custom_bwd(x, w, g):
        # conv_t(x, w) is the adjoint of conv(., w), so its dx is conv(g, w)
        # (what autodiff does too) and its dW[t, f, c] = sum g-patch[t, f]
        # x[c]: conv's dW with the roles of input and output gradient swapped.
        return conv_lax(g, w), conv_weight_grad(g, x, w.shape[0])

    conv_custom = with_gradient(conv_lax, conv_custom_bwd)
    conv_t_custom = with_gradient(conv_t_lax, conv_t_custom_bwd)

    return {
        "conv": {
            "lax": conv_lax,
            "lax-nchw": conv_lax_nchw,
            "s2d": conv_s2d,
            "patches": conv_patches,
            "matmul": conv_matmul,
            "custom-vjp": conv_custom,
        },
        "conv_t": {
            "lax": conv_t_lax,
            "lax-nchw": conv_t_lax_nchw,
            "subpixel": conv_t_subpixel,
            "matmul": conv_t_matmul,
            "custom-vjp": conv_t_custom,
        },
    }


# ---------------------------------------------------------------------------
# Timing.
# ---------------------------------------------------------------------------


def time_block(call, block_ms, sync):
    """Milliseconds per call of `call`, timing a block of about block_ms."""
    # Calibrate the number of calls per block once (cached on the function).
    if not hasattr(call, "calls"):
        sync(call())
        start = time.perf_counter()
        sync(call())
        once = time.perf_counter() - start
        call.calls = max(1, int(block_ms / 1000 / max(once, 1e-6)))
    start = time.perf_counter()
    for _ in range(call.calls - 1):
        call()
    sync(call())
    return (time.perf_counter() - start) / call.calls * 1000


def measure(calls, repeats, block_ms, sync):
    """Median ms per call of each of `calls` ({key: call}), interleaved."""
    times = {key: [] for key in calls}
    for _ in range(repeats):
        for key, call in calls.items():
            times[key].append(time_block(call, block_ms, sync))
    return {key: statistics.median(values) for key, values in times.items()}


def op_data(name):
    kind, (h, w, c), k, f = OPS[name]
    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, h, w, c), dtype=np.float32)
    kernel = rng.standard_normal(kernel_shape(kind, c, k, f), dtype=np.float32)
    kernel *= 1 / np.sqrt(k * k * c)
    return kind, x, kernel


def run_jax(args):
    """{op: {formulation: {mode: ms}}}, after checking every formulation."""
    import jax
    import jax.numpy as jnp

    if args.precision:
        jax.config.update("jax_default_matmul_precision", args.precision)
    formulations = make_formulations()
    results = {}
    for name in args.ops:
        kind, x, kernel = op_data(name)
        chosen = {
            key: f
            for key, f in formulations[kind].items()
            if args.formulations is None or key in args.formulations or key == "lax"
        }
        x, kernel = jnp.asarray(x), jnp.asarray(kernel)
        ct = jnp.asarray(
            np.random.default_rng(1).standard_normal(
                formulations[kind]["lax"](x, kernel).shape, dtype=np.float32
            )
        )
        calls, reference = {}, None
        for key, f in chosen.items():
            fx, fk, fct = x, kernel, ct
            if key == "lax-nchw":
                # A channels-first model keeps its tensors NCHW throughout.
                fx, fct = x.transpose(0, 3, 1, 2), ct.transpose(0, 3, 1, 2)
                fk = kernel.transpose(3, 2, 0, 1)

            def loss(a, b, c, f=f):
                return jnp.vdot(f(a, b), c)

            # value_and_grad: the loss needs the output, so the forward pass
            # stays in the compiled step as it does in training. The cotangent
            # is an argument: as a constant, XLA would fold its gradients away.
            fwd = jax.jit(f)
            grad_w = jax.jit(jax.value_and_grad(loss, argnums=1))
            grad_xw = jax.jit(jax.value_and_grad(loss, argnums=(0, 1)))
            outputs = [fwd(fx, fk), *grad_xw(fx, fk, fct)[1]]
            if key == "lax-nchw":
                outputs = [
                    outputs[0].transpose(0, 2, 3, 1),
                    outputs[1].transpose(0, 2, 3, 1),
                    outputs[2].transpose(2, 3, 1, 0),
                ]
            outputs = [np.asarray(o) for o in outputs]
            if reference is None:
                reference = outputs
            # Largest difference relative to the largest value, per output.
            errors = [
                float(np.max(np.abs(a - b)) / np.max(np.abs(b)))
                for a, b in zip(outputs, reference, strict=True)
            ]
            if max(errors) > 1e-5:
                print(f"MISMATCH {name} {key}: {errors}", file=sys.stderr)
            results.setdefault(name, {})[key] = {
                "max_abs_diff": max(
                    float(np.max(np.abs(a - b)))
                    for a, b in zip(outputs, reference, strict=True)
                ),
                "max_rel_diff": max(errors),
            }
            calls[(key, "fwd")] = lambda fwd=fwd, a=fx, b=fk: fwd(a, b)
            calls[(key, "fwd+dW")] = lambda g=grad_w, a=fx, b=fk, c=fct: g(a, b, c)
            calls[(key, "fwd+dx+dW")] = lambda g=grad_xw, a=fx, b=fk, c=fct: g(a, b, c)
        timed = measure(calls, args.repeats, args.block_ms, jax.block_until_ready)
        for (key, mode), ms in timed.items():
            results[name][key][mode] = ms
    return results


def torch_calls(kind, x, kernel):
    """{mode: call} for one op in torch: F.conv2d or F.conv_transpose2d."""
    import torch
    import torch.nn.functional as F  # noqa: N812

    k = kernel.shape[0]
    x = torch.from_numpy(x.transpose(0, 3, 1, 2).copy())
    # torch's weights: conv (out, in, k, k); conv_transpose (in, out, k, k);
    # both are Keras's kernel transposed (3, 2, 0, 1).
    weight = torch.from_numpy(kernel.transpose(3, 2, 0, 1).copy())
    if kind == "conv":
        # 'same' pads (1, 1) for k=4 and (0, 1) for k=3; torch pads
        # symmetrically, and a pad of 1 costs the same as (0, 1).
        def f(a, b):
            return F.conv2d(a, b, stride=2, padding=1)
    else:

        def f(a, b):
            return F.conv_transpose2d(
                a, b, stride=2, padding=1, output_padding=1 if k % 2 else 0
            )

    ct = torch.randn(f(x, weight).shape)
    xg, wg = x.clone().requires_grad_(True), weight.clone().requires_grad_(True)

    def fwd():
        with torch.no_grad():
            return f(x, weight)

    def grad_w():
        wg.grad = None
        f(x, wg).backward(ct)
        return wg.grad

    def grad_xw():
        xg.grad = wg.grad = None
        f(xg, wg).backward(ct)
        return wg.grad

    return {"fwd": fwd, "fwd+dW": grad_w, "fwd+dx+dW": grad_xw}


def run_torch(args):
    """{op: {"torch": {mode: ms}}} with torch, one thread, NCHW, autograd."""
    import torch

    torch.set_num_threads(1)
    results = {}
    for name in args.ops:
        calls = torch_calls(*op_data(name))
        timed = measure(calls, args.repeats, args.block_ms, lambda out: out)
        results[name] = {"torch": timed}
    return results


# ---------------------------------------------------------------------------
# Reports.
# ---------------------------------------------------------------------------


def print_table(results):
    print(
        f"{'op':8} {'formulation':11} {'abs.diff':>9} {'rel.diff':>9} "
        + " ".join(f"{mode:>10}" for mode in MODES)
        + "   ratio to lax (fwd, fwd+dW, fwd+dx+dW)"
    )
    for name, rows in results.items():
        base = rows.get("lax")
        for key, row in rows.items():
            diff = " " * 19
            if "max_abs_diff" in row:
                diff = f"{row['max_abs_diff']:9.1e} {row['max_rel_diff']:9.1e}"
            line = f"{name:8} {key:11} {diff} " + " ".join(
                f"{row[mode]:10.3f}" for mode in MODES
            )
            if base and key != "lax":
                line += "   " + " ".join(
                    f"{row[mode] / base[mode]:5.2f}" for mode in MODES
                )
            print(line)
    print(
        "(ms per call, median of the rounds; abs.diff: the largest difference"
        " from lax over y, dx and dW; rel.diff: over that array's largest value)"
    )


def run_flags(args):
    """Times `lax` and `custom-vjp` under each XLA_FLAGS value, alternating."""
    base_flags = os.environ.get("XLA_FLAGS", "")
    settings = ["", *args.xla_flags]
    command = [sys.executable, __file__, "--json", "--formulations", "lax"]
    command += ["custom-vjp", "--repeats", "3", "--ops", *args.ops]
    runs = {setting: [] for setting in settings}
    for _ in range(args.repeats):
        for setting in settings:
            env = dict(os.environ, XLA_FLAGS=f"{base_flags} {setting}".strip())
            out = subprocess.run(
                command, env=env, capture_output=True, text=True, check=True
            ).stdout
            runs[setting].append(json.loads(out.splitlines()[-1]))
    print(f"XLA_FLAGS base: {base_flags!r}; median of {args.repeats} processes each")
    print(
        f"{'op':8} {'formulation':11} {'XLA_FLAGS added':45} "
        + " ".join(f"{mode:>10}" for mode in MODES)
        + "   ratio to no flag"
    )
    for name in args.ops:
        for key in ("lax", "custom-vjp"):
            base = None
            for setting in settings:
                row = {
                    mode: statistics.median(r[name][key][mode] for r in runs[setting])
                    for mode in MODES
                }
                base = base or row
                print(
                    f"{name:8} {key:11} {setting or '(none)':45} "
                    + " ".join(f"{row[mode]:10.3f}" for mode in MODES)
                    + "   "
                    + " ".join(f"{row[m] / base[m]:5.2f}" for m in MODES)
                )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=7, help="rounds (default 7)")
    parser.add_argument(
        "--block-ms", type=float, default=20, help="ms per timed block (default 20)"
    )
    parser.add_argument("--ops", nargs="+", default=list(OPS), choices=list(OPS))
    parser.add_argument(
        "--formulations", nargs="+", default=None, help="default: all of them"
    )
    parser.add_argument(
        "--precision", default=None, help="jax.default_matmul_precision, if given"
    )
    parser.add_argument("--torch", action="store_true", help="time torch instead")
    parser.add_argument(
        "--torch-python", default=None, help="a python with torch: add its times"
    )
    parser.add_argument(
        "--xla-flags",
        action="append",
        default=None,
        help="compare an XLA_FLAGS value with none (repeatable; write it as "
        "--xla-flags=--xla_cpu_enable_fast_math=true)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args()

    if args.xla_flags:
        run_flags(args)
        return
    if args.torch:
        results = run_torch(args)
    else:
        results = run_jax(args)
        if args.torch_python:
            command = [args.torch_python, __file__, "--torch", "--json"]
            command += ["--repeats", str(args.repeats), "--ops", *args.ops]
            out = subprocess.run(
                command, capture_output=True, text=True, check=True
            ).stdout
            for name, rows in json.loads(out.splitlines()[-1]).items():
                results[name].update(rows)
    if args.json:
        print(json.dumps(results))
        return
    if args.torch:
        import torch

        print(f"torch {torch.__version__}, 1 thread")
    else:
        import jax
        import jaxlib

        print(
            f"jax {jax.__version__}, jaxlib {jaxlib.__version__}, "
            f"XLA_FLAGS={os.environ.get('XLA_FLAGS', '')!r}, "
            f"precision={args.precision}"
        )
    print_table(results)


if __name__ == "__main__":
    main()
