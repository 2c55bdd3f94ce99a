"""The repository's folders the tests and the benchmarks read: the reference tables and the sample."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "data" / "reference"
SAMPLE = ROOT / "data" / "sample"
