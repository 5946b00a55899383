"""Every vendored front-end library is listed in static/vendor/MANIFEST.md and ships its licence."""

from pathlib import Path

VENDOR = Path(__file__).resolve().parents[2] / "static" / "vendor"


def test_every_vendored_folder_has_a_licence_and_a_manifest_row():
    manifest = (VENDOR / "MANIFEST.md").read_text(encoding="utf-8")
    folders = sorted(p for p in VENDOR.iterdir() if p.is_dir())
    assert folders
    for folder in folders:
        assert f"| `{folder.name}/` |" in manifest, f"{folder.name} is not in MANIFEST.md"
        licences = [
            p for p in folder.iterdir() if p.name.upper().startswith(("LICENSE", "LICENCE"))
        ]
        assert licences, f"static/vendor/{folder.name} has no licence file"
