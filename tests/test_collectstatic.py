"""What `make demo` serves: every static file collects under the manifest storage, so a vendored package
that names a file we did not copy (a source map, a font) fails here rather than in a new user's make demo."""

from django.core.management import call_command


def test_collectstatic_with_the_manifest_storage(tmp_path, settings):
    settings.STATIC_ROOT = str(tmp_path / "static")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", "-v0")
    assert (tmp_path / "static" / "staticfiles.json").exists()
    assert list((tmp_path / "static" / "vendor" / "quill").glob("quill.*.js"))


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
