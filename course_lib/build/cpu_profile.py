"""The second CPU profile: run a command as if on a CPU with none of this one's fast kernels.

The saved outputs of ``solutions/`` must hold on every student's and instructor's machine, not only
on CI's. ``make test`` compares them on the machine it runs on and once more under this profile
(switch: ``course_lib.__main__.CPU_PROFILE2_IN_TEST``, on), which forces the
oldest x86-64 code paths of the three libraries that do the arithmetic:

================================  ===============================================  ==========================
variable                          what it changes                                  checked by
================================  ===============================================  ==========================
``OPENBLAS_CORETYPE=Prescott``    OpenBLAS (numpy's BLAS): SSE3 GEMM/dot kernels   ``openblas_get_corename``
                                  instead of Haswell/Zen/SkylakeX ones (another
                                  blocking, so another summation order)
``NPY_DISABLE_CPU_FEATURES=...``  numpy's own SIMD loops (exp, tanh, sum, ...):    ``__cpu_features__``
                                  the AVX2/AVX-512 families off, baseline loops
``TF_ENABLE_ONEDNN_OPTS=0``       TensorFlow's oneDNN kernels off (on by default   ``IsMklEnabled()``
                                  only on CPUs with AVX512_VNNI/BF16/AMX)
================================  ===============================================  ==========================

numpy names its dispatch targets differently across versions (2.4: ``X86_V3 X86_V4 AVX512_ICL
AVX512_SPR``; before: ``AVX2 FMA3 AVX512F AVX512_SKX ...``), and warns about a name it does not know;
:func:`numpy_features_off` picks the names of the numpy that runs.

Before running anything, :func:`run` starts a probe under the profile and refuses to go on if a
variable was ignored (an OpenBLAS still on its AVX2 kernels, a numpy loop still dispatched to AVX2,
oneDNN still on): a profile that silently did nothing would prove nothing.

Usage::

    python -m course_lib.build.cpu_profile                 # this process's kernels, no profile
    python -m course_lib.build.cpu_profile --tf            # ... TensorFlow's oneDNN too (imports TF, ~5 s)
    python -m course_lib.build.cpu_profile run -- CMD ...  # CMD under the profile, after the check
"""

from __future__ import annotations

import argparse
import ctypes
import glob
import json
import os
import platform
import subprocess
import sys

__all__ = ["FAMILIES", "OPENBLAS_CORE", "applies", "numpy_features_off", "profile_env", "probe", "check", "run",
           "main"]

#: numpy's dispatch targets of the AVX2 and AVX-512 families, under every name numpy has used.
FAMILIES = ("X86_V3", "X86_V4",  # numpy >= 2.4 (x86-64-v3 = AVX2+FMA3+F16C..., v4 = AVX-512 F/CD/VL/BW/DQ)
            "AVX2", "FMA3", "F16C", "AVX512F", "AVX512CD", "AVX512_KNL", "AVX512_KNM", "AVX512_SKX",
            "AVX512_CLX", "AVX512_CNL", "AVX512_ICL", "AVX512_SPR", "AVX512_FP16")
#: An OpenBLAS kernel set older than AVX.
OPENBLAS_CORE = "Prescott"
#: Core names OpenBLAS reports for it (a dynamic build without the Prescott set falls back to Katmai's).
_OLD_CORES = {"prescott", "katmai", "core2", "penryn", "dunnington", "nehalem", "atom"}


def applies() -> bool:
    """True on x86-64, the only architecture whose kernels the profile names."""
    return platform.machine().lower() in ("x86_64", "amd64")


def numpy_features_off() -> list[str]:
    """The names of :data:`FAMILIES` that this numpy dispatches to (the ones it accepts to disable)."""
    dispatched = _dispatch_names()
    return [name for name in FAMILIES if name in dispatched]


def profile_env() -> dict[str, str]:
    """The variables of the profile, for this numpy."""
    return {"OPENBLAS_CORETYPE": OPENBLAS_CORE,
            "NPY_DISABLE_CPU_FEATURES": " ".join(numpy_features_off()),
            "TF_ENABLE_ONEDNN_OPTS": "0"}


def _openblas_core() -> str | None:
    """The kernel set OpenBLAS chose in this process, or ``None`` where numpy has no OpenBLAS."""
    import numpy as np

    candidates = []
    if os.path.exists("/proc/self/maps"):  # Linux: the libraries actually loaded
        with open("/proc/self/maps") as maps:
            candidates += sorted({line.split()[-1] for line in maps if "openblas" in line.lower()
                                  and line.split()[-1].startswith("/")})
    base = os.path.dirname(os.path.dirname(np.__file__))
    for folder in ("numpy.libs", os.path.join("numpy", ".dylibs")):  # pip wheels: Linux/Windows, macOS
        candidates += glob.glob(os.path.join(base, folder, "*openblas*"))
    for path in candidates:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename",
                     "openblas_get_corename64_", "openblas_get_corename"):
            fn = getattr(lib, name, None)
            if fn is not None:
                fn.restype = ctypes.c_char_p
                return fn().decode()
    return None


def probe(tf: bool = False) -> dict:
    """What this process computes with: OpenBLAS kernels, numpy SIMD targets on, TF's oneDNN."""
    import numpy as np

    try:
        from numpy._core._multiarray_umath import __cpu_features__
    except ImportError:  # numpy 1.x
        from numpy.core._multiarray_umath import __cpu_features__
    names = numpy_features_off()
    result = {"numpy": np.__version__, "openblas_core": _openblas_core(),
              "numpy_simd_on": [name for name in names if __cpu_features__.get(name)],
              "numpy_simd_off": [name for name in names if not __cpu_features__.get(name)]}
    if tf:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import tensorflow  # noqa: F401
        from tensorflow.python.util import _pywrap_util_port

        result["tensorflow"] = tensorflow.__version__
        result["onednn"] = bool(_pywrap_util_port.IsMklEnabled())
    return result


def _dispatch_names() -> list[str]:
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__
    except ImportError:  # numpy 1.x
        from numpy.core._multiarray_umath import __cpu_dispatch__
    return list(__cpu_dispatch__)


def check(tf: bool = True) -> tuple[bool, str]:
    """Probe a fresh interpreter under the profile; ``(ok, one line saying what runs)``."""
    env = {**os.environ, **profile_env()}
    cmd = [sys.executable, "-m", "course_lib.build.cpu_profile", "--json"] + (["--tf"] if tf else [])
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    p = json.loads(out.strip().splitlines()[-1])
    problems = []
    core = p["openblas_core"]
    if core is None:
        blas = "OpenBLAS: not in this numpy (another BLAS; OPENBLAS_CORETYPE has nothing to change)"
    else:
        blas = f"OpenBLAS kernels: {core}"
        if core.lower() not in _OLD_CORES:
            problems.append(f"OpenBLAS ignored OPENBLAS_CORETYPE={OPENBLAS_CORE} (still on {core})")
    if p["numpy_simd_on"]:
        problems.append(f"numpy still dispatches to {' '.join(p['numpy_simd_on'])}")
    simd = f"numpy {p['numpy']} SIMD off: {' '.join(p['numpy_simd_off']) or '(none dispatched)'}"
    line = f"second CPU profile: {blas}; {simd}"
    if tf:
        line += f"; TensorFlow {p['tensorflow']} oneDNN: {'on' if p['onednn'] else 'off'}"
        if p["onednn"]:
            problems.append("TensorFlow's oneDNN is still on")
    if problems:
        line += "\n  the profile did not take effect: " + "; ".join(problems)
    return not problems, line


def run(command: list[str], *, tf: bool = True) -> int:
    """Run ``command`` under the profile after :func:`check`; its exit code (2 if the check failed)."""
    if not applies():
        print(f"second CPU profile: skipped, it names x86-64 kernels and this is {platform.machine()}")
        return 0
    ok, line = check(tf=tf)
    print(line, flush=True)
    if not ok:
        return 2
    return subprocess.call(command, env={**os.environ, **profile_env()})


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = []
    if "--" in argv:
        argv, command = argv[:argv.index("--")], argv[argv.index("--") + 1:]
    parser = argparse.ArgumentParser(prog="python -m course_lib.build.cpu_profile",
                                     description="The second CPU profile (see the module's docstring).")
    parser.add_argument("action", nargs="?", choices=["show", "env", "run"], default="show",
                        help="show: this process's kernels (default); env: the profile's variables; "
                             "run -- CMD: CMD under the profile, after checking it takes effect")
    parser.add_argument("--tf", action="store_true", help="show: TensorFlow's oneDNN too (imports TensorFlow)")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.action == "run":
        if not command:
            parser.error("run needs a command after --")
        return run(command)
    if command:
        parser.error("a command (after --) goes with run only")
    if args.action == "env":
        for name, value in profile_env().items():
            print(f"{name}={value}")
        return 0
    result = probe(tf=args.tf)
    print(json.dumps(result) if args.json else "\n".join(f"{k}: {v}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
