"""Draw a digit (or a whole number) in your browser and watch the model that main.py trained read it.

    python app.py                   # then open http://127.0.0.1:7860
    python app.py --port 8000       # another port
"""
import sys

from digit_recognizer.cli import parse_config, run
from digit_recognizer.config import AppConfig
from digit_recognizer.errors import InputError


def main(argv=None):
    config = parse_config(AppConfig, __doc__.splitlines()[0], argv)
    from digit_recognizer import webapp  # after parsing, so that --help answers at once

    reader = webapp.Reader(config)
    problem = reader.problem()
    if problem:
        print(f"warning: {problem}; the page says so until then", file=sys.stderr)
    try:
        serve(webapp.build_app(reader, problem), config, max_file_size=webapp.MAX_UPLOAD, css=webapp.PAGE_CSS)
    finally:
        reader.close()
    return 0


def serve(app, config, **launch_options):
    try:
        app.launch(server_name=config.host, server_port=config.port, share=False, quiet=True,
                   prevent_thread_lock=True, **launch_options)
    except OSError as error:
        raise InputError(f"cannot serve on {config.host}:{config.port} ({error}); choose another --port") from None
    print(f"Digit Recognizer is running at http://{config.host}:{config.port} - press Ctrl+C to stop", flush=True)
    try:
        app.block_thread()
    finally:
        app.close()


if __name__ == "__main__":
    sys.exit(run(main))
