"""The deterministic demo library: a realistic, awkward, fictional music library built offline."""

from lib.demo.build import build_demo_library, enrichment_frame, ensure_demo_library
from lib.demo.generate import DEMO_SEED, DemoData, generate_demo
from lib.demo.sources import REFERENCE_TIME, DemoSource

__all__ = ["DEMO_SEED", "REFERENCE_TIME", "DemoData", "DemoSource", "build_demo_library", "enrichment_frame",
           "ensure_demo_library", "generate_demo"]
