"""One persistent LibreOffice, driven over UNO: the pool's worker (see pdf.py).

Run as a script by a Python that has LibreOffice's `uno` module (often not the project's own
interpreter: Debian's python3-uno belongs to /usr/bin/python3), so it imports nothing of the
project. It starts soffice listening on a local port, connects through unoserver's converter,
says `{"ready": ...}` on stdout and then answers one JSON line per request read from stdin:
`{"in": docx, "out": pdf}` → `{"ok": true}` or `{"error": "..."}`. When stdin closes (the
parent is done, or died) it stops LibreOffice and exits, so nothing outlives the command.
"""

import json
import os
import signal
import subprocess
import sys
import time


def main() -> int:
    soffice, port, profile, timeout = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    sys.path.extend(sys.argv[5:])  # where unoserver is installed (the project's environment)
    office = subprocess.Popen(
        [
            soffice,
            "--headless",
            "--invisible",
            "--nocrashreport",
            "--nodefault",
            "--nologo",
            "--nofirststartwizard",
            "--norestore",
            f"-env:UserInstallation={profile}",
            f"--accept=socket,host=127.0.0.1,port={port},tcpNoDelay=1;urp;StarOffice.ComponentContext",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def stop(*_):
        try:
            office.terminate()
            office.wait(10)
        except Exception:
            office.kill()
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        from unoserver.converter import UnoConverter

        started, converter, last = time.monotonic(), None, None
        while converter is None:
            if office.poll() is not None:
                raise RuntimeError(f"LibreOffice exited with status {office.returncode} while starting")
            try:
                converter = UnoConverter("127.0.0.1", port)
            except Exception as exc:  # not listening yet
                last = exc
                if time.monotonic() - started > timeout:
                    raise RuntimeError(f"LibreOffice did not answer within {timeout:.0f} s: {last}") from exc
                time.sleep(0.1)
        reply({"ready": True, "pid": office.pid})
        for line in sys.stdin:
            request = json.loads(line)
            try:
                converter.convert(inpath=request["in"], outpath=request["out"], convert_to="pdf", update_index=True)
                reply({"ok": True})
            except Exception as exc:
                reply({"error": f"{type(exc).__name__}: {exc}"})
    except Exception as exc:
        reply({"error": f"{type(exc).__name__}: {exc}"})
    stop()
    return 0


def reply(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
