"""Where output goes: ``-o`` writes to what is at the path (a device, a FIFO, a link's
target) instead of replacing it, new files honour the umask, existing files keep their
mode, and every output failure is one line with exit status 3."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pipeline.errors import OutputError
from pipeline.io.writers import open_output, prepare_output_dir

from .conftest import EXPECTED, SEEDS, run_cli

SEED = SEEDS[0]
CLEAN = (EXPECTED / SEED.name).read_text(encoding="utf-8")
EXIT_OUTPUT = 3


def _one_error_line(result: subprocess.CompletedProcess, path: object, reason: str) -> None:
    assert result.returncode == EXIT_OUTPUT, result.stderr
    lines = result.stderr.decode().splitlines()
    assert lines == [f"boilerstrip: error: {path}: {reason}"], lines


def _device(tmp_path: Path, name: str, minor: int) -> Path:
    """A character device of our own (1, minor: 3 is null, 7 is full), so that a broken
    writer can never turn the system's /dev/null into a file."""
    node = tmp_path / name
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except PermissionError:
        pytest.skip("making a device node needs root")
    return node


@pytest.fixture
def unwritable_dir(tmp_path):
    """A directory nobody may create files in, root included (chattr +i where we are root)."""
    directory = tmp_path / "locked"
    directory.mkdir()
    if os.geteuid() != 0:
        directory.chmod(0o555)
        yield directory
        directory.chmod(0o755)
        return
    if subprocess.run(["chattr", "+i", str(directory)], capture_output=True).returncode != 0:
        pytest.skip("cannot make a directory unwritable for root here (chattr +i)")
    try:
        yield directory
    finally:
        subprocess.run(["chattr", "-i", str(directory)], check=True)


def test_a_device_is_written_through_not_replaced(tmp_path):
    null = _device(tmp_path, "null", 3)
    result = run_cli("clean", str(SEED), "-o", str(null))
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(null.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]  # no temporary file left beside it


def test_dev_stdout_writes_to_standard_output():
    result = run_cli("clean", str(SEED), "-o", "/dev/stdout")
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == CLEAN


def test_dev_stdout_redirected_to_a_file_writes_that_file(tmp_path):
    target = tmp_path / "out.txt"
    with open(target, "wb") as stdout:
        inode = os.fstat(stdout.fileno()).st_ino
        subprocess.run([sys.executable, "-m", "pipeline.cli", "clean", str(SEED), "-o", "/dev/stdout"],
                       stdout=stdout, check=True)
    assert target.stat().st_ino == inode  # the very file the shell opened, not a replacement
    assert target.read_text(encoding="utf-8") == CLEAN


def test_a_fifo_is_written_through_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run_cli("clean", str(SEED), "-o", str(fifo))
    reader.join(timeout=30)
    assert result.returncode == 0, result.stderr
    assert received == [CLEAN.encode()]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_symlink_is_followed_and_kept(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real.name)
    result = run_cli("clean", str(SEED), "-o", str(link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == real.name
    assert real.read_text(encoding="utf-8") == CLEAN


def test_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.txt"
    link.symlink_to("made.txt")
    assert run_cli("clean", str(SEED), "-o", str(link)).returncode == 0
    assert link.is_symlink() and (tmp_path / "made.txt").read_text(encoding="utf-8") == CLEAN


def _run_with_umask(mask: int, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True,
                          preexec_fn=lambda: os.umask(mask))


def test_a_new_file_gets_0666_less_the_umask(tmp_path):
    for mask, expected in ((0o022, 0o644), (0o002, 0o664), (0o077, 0o600)):
        out = tmp_path / f"new-{mask:o}.txt"
        assert _run_with_umask(mask, "clean", str(SEED), "-o", str(out)).returncode == 0
        assert stat.S_IMODE(out.stat().st_mode) == expected


def test_an_existing_file_keeps_its_mode(tmp_path):
    out = tmp_path / "shared.txt"
    out.write_text("old")
    out.chmod(0o664)
    assert _run_with_umask(0o077, "clean", str(SEED), "-o", str(out)).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o664
    assert out.read_text(encoding="utf-8") == CLEAN


def test_output_into_an_existing_directory_is_one_line(tmp_path):
    _one_error_line(run_cli("clean", str(SEED), "-o", str(tmp_path)), tmp_path, "is a directory")


def test_output_under_a_file_is_one_line(tmp_path):
    (tmp_path / "file").write_text("x")
    target = tmp_path / "file" / "out.txt"
    _one_error_line(run_cli("clean", str(SEED), "-o", str(target)), target, "not a directory")


def test_output_into_an_unwritable_directory_is_one_line(unwritable_dir):
    target = unwritable_dir / "out.txt"
    result = run_cli("clean", str(SEED), "-o", str(target))
    assert result.returncode == EXIT_OUTPUT
    assert result.stderr.decode().startswith(f"boilerstrip: error: {target}: ")
    assert len(result.stderr.decode().splitlines()) == 1 and b"Traceback" not in result.stderr


def test_text_folder_in_an_unwritable_directory_is_one_line(unwritable_dir):
    result = run_cli("clean", str(SEEDS[0]), str(SEEDS[1]), "--format", "text", "-o", str(unwritable_dir / "out"))
    assert result.returncode == EXIT_OUTPUT and len(result.stderr.decode().splitlines()) == 1, result.stderr


def test_batch_into_an_unwritable_directory_is_one_line(tmp_path, unwritable_dir):
    source = tmp_path / "in"
    source.mkdir()
    (source / SEED.name).write_bytes(SEED.read_bytes())
    result = run_cli("batch", str(source), str(unwritable_dir / "out"))
    assert result.returncode == EXIT_OUTPUT and len(result.stderr.decode().splitlines()) == 1, result.stderr
    assert result.stderr.decode().startswith(f"boilerstrip: error: {unwritable_dir / 'out'}: ")


def test_batch_into_a_path_under_a_file_is_one_line(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / SEED.name).write_bytes(SEED.read_bytes())
    (tmp_path / "file").write_text("x")
    _one_error_line(run_cli("batch", str(source), str(tmp_path / "file" / "out")), tmp_path / "file" / "out",
                    "not a directory")


def test_a_full_disk_is_one_line(tmp_path):
    full = _device(tmp_path, "full", 7)
    _one_error_line(run_cli("clean", str(SEED), "-o", str(full)), full, "no space left on device")


def test_standard_output_on_a_full_disk_is_one_line(tmp_path):
    full = _device(tmp_path, "full", 7)
    with open(full, "wb") as stdout:
        result = subprocess.run([sys.executable, "-m", "pipeline.cli", "clean", str(SEED)], stdout=stdout,
                                stderr=subprocess.PIPE)
    _one_error_line(result, "standard output", "no space left on device")


def test_a_closed_pipe_ends_quietly(tmp_path):
    """`boilerstrip clean big/ | head -1`: the reader goes away; no traceback, status 0."""
    corpus = tmp_path / "big"
    corpus.mkdir()
    for i in range(400):
        (corpus / f"{i:04d}.txt").write_text(f"Story {i}\n\n" + "The council met on Monday again. " * 40)
    process = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "clean", str(corpus)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.readline()
    process.stdout.close()
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0 and stderr == b"", stderr


def test_open_output_leaves_no_file_when_the_block_fails(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(RuntimeError), open_output(target) as out:
        out.write("half")
        raise RuntimeError("stop")
    assert list(tmp_path.iterdir()) == []


def test_prepare_output_dir_refuses_a_file(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="exists and is not a directory"):
        prepare_output_dir(tmp_path / "file")
