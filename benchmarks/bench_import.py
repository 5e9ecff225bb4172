"""How long `import emlib` takes, against `import numpy` alone, in fresh interpreters (medians of 7 runs).

    python benchmarks/bench_import.py
"""
import statistics
import subprocess
import sys


def cost(module):
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def main(runs=7):
    numpy = statistics.median(cost("numpy") for _ in range(runs))
    emlib = statistics.median(cost("emlib") for _ in range(runs))
    print(f"import numpy: {numpy * 1e3:.0f} ms; import emlib (numpy included): {emlib * 1e3:.0f} ms; "
          f"ratio {emlib / numpy:.2f} (median of {runs} fresh interpreters)")


if __name__ == "__main__":
    main()
