"""Plain-text report lines, printed as soon as they are known."""

LABEL_WIDTH = 46


def heading(title: str) -> None:
    print(f"\n{title}\n{'-' * len(title)}", flush=True)


def line(label: str, value: str) -> None:
    print(f"  {label:<{LABEL_WIDTH}} {value}", flush=True)


def note(text: str) -> None:
    print(f"  {text}", flush=True)


def micros(seconds: float) -> str:
    return f"{seconds * 1e6:9.1f} us"


def millis(seconds: float) -> str:
    return f"{seconds * 1e3:9.3f} ms"


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:9.1f} x"
