#!/usr/bin/python3
"""Executes notebooks with Jupyter's own nbclient and the tslab kernel, to prove the notebooks work with the
standard tools (CI runs at least one this way; `npm run notebooks` uses our own protocol client).

Needs Debian's python3-nbclient. The tslab kernel spec is written by hand into a temporary JUPYTER_PATH
(`tslab install` would need IPython). Outputs are written back into the notebook; a cell error exits 1.

Usage: /usr/bin/python3 scripts/run-notebook-nbclient.py notebooks/01-data.ipynb [...] [--timeout 1800]
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import nbclient
    import nbformat
except ImportError:
    sys.exit("nbclient is missing: apt-get install python3-nbclient")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def kernel_path() -> str:
    tslab = os.path.join(ROOT, "node_modules", "tslab", "bin", "tslab")
    if not os.path.exists(tslab):
        sys.exit(f"{tslab} is missing: run npm ci first")
    d = tempfile.mkdtemp(prefix="seismic-xai-jupyter-")
    os.makedirs(os.path.join(d, "kernels", "tslab"))
    spec = {
        "argv": ["node", tslab, "kernel", "--config-path", "{connection_file}"],
        "display_name": "TypeScript (tslab)",
        "language": "typescript",
        # a notebook written by a script is never trusted: figures as the static PNG alone (lib/notebook/show.ts)
        "env": {"SEISMIC_XAI_FIGURES": "static"},
    }
    with open(os.path.join(d, "kernels", "tslab", "kernel.json"), "w") as f:
        json.dump(spec, f)
    return d


def main() -> None:
    args = sys.argv[1:]
    timeout = 1800
    if "--timeout" in args:
        i = args.index("--timeout")
        timeout = int(args[i + 1])
        del args[i : i + 2]
    if not args:
        sys.exit(__doc__)
    os.environ["JUPYTER_PATH"] = kernel_path() + os.pathsep + os.environ.get("JUPYTER_PATH", "")
    failed = False
    for path in args:
        nb = nbformat.read(path, as_version=4)
        client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="tslab", resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
        try:
            client.execute()
            print(f"{path}: ok (nbclient)")
        except nbclient.exceptions.CellExecutionError as e:
            failed = True
            print(f"{path}: FAILED (nbclient)\n{str(e)[:2000]}", file=sys.stderr)
        tmp = path + ".tmp"
        nbformat.write(nb, tmp)
        os.replace(tmp, path)
        # nbclient records execution counts and timings: drop them as the project's own runner does
        subprocess.run(["node", os.path.join(os.path.dirname(os.path.abspath(__file__)), "clean-notebooks.mjs"), path], check=True, stdout=subprocess.DEVNULL)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
