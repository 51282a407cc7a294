"""Linux libraries the bundle takes from the target system instead of carrying them.

Shared by backprop-playground.spec (which leaves them out) and build.py (which checks that
every library the bundle links to is either inside it or one of these).
"""

from __future__ import annotations

# glibc and the GL stack: PyInstaller never bundles them (they belong to the C runtime and to
# the GPU driver). Debian packages: libc6, libgl1, libegl1.
PLATFORM_PREFIXES = (
    "ld-linux",
    "libc.so",
    "libm.so",
    "libdl.so",
    "libpthread.so",
    "librt.so",
    "libutil.so",
    "libresolv.so",
    "libanl.so",
    "libmvec.so",
    "libGL.so",
    "libEGL.so",
    "libGLX.so",
    "libGLdispatch.so",
    "libOpenGL.so",
)

# Libraries every desktop has, which portable bundles take from the system rather than carry
# (AppImage's excludelist, as used by linuxdeployqt): a bundled libfontconfig can fail to read a
# newer system's /etc/fonts, a bundled libstdc++ can be older than the one the system's Mesa
# needs. Debian packages: libstdc++6 libgcc-s1 zlib1g libexpat1 libuuid1 libcom-err2
# libgpg-error0 libfontconfig1 libfreetype6 libharfbuzz0b libfribidi0 libglib2.0-0 libx11-6
# libxcb1 libdrm2.
SYSTEM_LIBS = frozenset(
    {
        "libstdc++.so.6",
        "libgcc_s.so.1",
        "libz.so.1",
        "libexpat.so.1",
        "libuuid.so.1",
        "libcom_err.so.2",
        "libgpg-error.so.0",
        "libfontconfig.so.1",
        "libfreetype.so.6",
        "libharfbuzz.so.0",
        "libfribidi.so.0",
        "libglib-2.0.so.0",
        "libgobject-2.0.so.0",
        "libgio-2.0.so.0",
        "libgthread-2.0.so.0",
        "libgmodule-2.0.so.0",
        "libX11.so.6",
        "libxcb.so.1",
        "libdrm.so.2",
    }
)


def from_the_system(name: str) -> bool:
    """Whether the library file name ``name`` is one the target system provides."""
    return name in SYSTEM_LIBS or name.startswith(PLATFORM_PREFIXES)
