"""The Docker image's steps, run here as the Dockerfile runs them (this machine builds no images).

The build stage's ``COPY`` lines make the build context and its ``RUN`` line builds the wheel
from it, so a file the wheel needs but the Dockerfile forgets to copy fails here. The runtime
stage's wheel is installed by pip (which writes the ``kith`` launcher), and its ``ENV`` lines,
``ENTRYPOINT`` and ``CMD`` start it from another directory; its ``HEALTHCHECK`` command is asked
while Kith runs, before it starts and after ``docker stop``'s ``SIGTERM``. What cannot run here
(the base image, ``useradd``, ``pip`` fetching the dependencies and extras) is checked as
written: the extras the install names are the wheel's.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 60.0


@dataclass(frozen=True)
class Instruction:
    stage: int
    name: str
    args: str

    def exec_form(self) -> list[str]:
        """``["kith", "run"]`` from the exec form (the shell form would need a shell)."""
        text = self.args
        if self.name == "HEALTHCHECK":
            text = text[text.index("CMD") + len("CMD") :]
        words = json.loads(text)
        assert isinstance(words, list), f"{self.name} should use the exec form"
        return [str(w) for w in words]


def dockerfile() -> list[Instruction]:
    """The Dockerfile's instructions with continuation lines joined and comments dropped."""
    instructions: list[Instruction] = []
    stage, pending = -1, ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        name, _, args = (pending + line).strip().partition(" ")
        pending = ""
        if name.upper() == "FROM":
            stage += 1
        instructions.append(Instruction(stage, name.upper(), args.strip()))
    return instructions


def only(instructions: list[Instruction], name: str, stage: int) -> Instruction:
    [found] = [i for i in instructions if i.name == name and i.stage == stage]
    return found


def image_env(instructions: list[Instruction]) -> dict[str, str]:
    env: dict[str, str] = {}
    for instruction in instructions:
        if instruction.name == "ENV" and instruction.stage == 1:
            for word in shlex.split(instruction.args):
                key, _, value = word.partition("=")
                env[key] = value
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build stage: copy what its COPY lines name into a context, run its RUN line there."""
    instructions = dockerfile()
    context = tmp_path_factory.mktemp("context")
    for copy in (i for i in instructions if i.name == "COPY" and i.stage == 0):
        *sources, target = shlex.split(copy.args)
        for source in sources:
            path = ROOT / source
            destination = context / target / path.name if target.endswith("/") else context / target
            if path.is_dir():
                shutil.copytree(path, destination, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, destination)
    wheels = tmp_path_factory.mktemp("wheels")
    build = shlex.split(only(instructions, "RUN", 0).args)
    assert build[:4] == ["python", "-m", "pip", "wheel"] and build[-1] == "."
    # The same command with this interpreter, its wheel directory in the temporary folder, and
    # the build backend from this environment instead of the network.
    command = [sys.executable, *build[1:]]
    command[command.index("/wheels")] = str(wheels)
    command.insert(-1, "--no-build-isolation")
    subprocess.run(command, cwd=context, check=True, capture_output=True, timeout=300)
    [built] = wheels.glob("kith_bot-*.whl")
    return built


def test_the_wheel_ships_prompts_migrations_and_licence_and_runs_from_elsewhere(
    wheel: Path, tmp_path: Path
) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for deck in ("checkins", "starters", "kindness"):
        assert f"bot/_prompts/{deck}.toml" in names
    assert "bot/store/migrations/0001_foundation.sql" in names
    assert "bot/_locales/es/LC_MESSAGES/kith.po" in names
    assert any(n.endswith("entry_points.txt") for n in names)
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    probe = (
        "from bot.prompts import load_catalogue, prompts_dir; "
        "from bot.i18n import _, use_language; "
        "print(prompts_dir()); print(len(load_catalogue().checkins))\n"
        "with use_language('es'): print(_('chosen here').replace(' ', '_'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(unpacked)},
        timeout=60,
        check=True,
    )
    folder, count, spanish = result.stdout.split()
    assert Path(folder) == unpacked / "bot" / "_prompts" and int(count) >= 60
    assert spanish == "elegido_aquí"  # the catalogues travel with the wheel


def test_the_image_installs_extras_the_wheel_declares(wheel: Path) -> None:
    [install] = [i.args for i in dockerfile() if i.name == "RUN" and "pip install" in i.args]
    extras = install.split("[", 1)[1].split("]", 1)[0].split(",")
    [metadata] = [n for n in zipfile.ZipFile(wheel).namelist() if n.endswith(".dist-info/METADATA")]
    declared = (
        Parser().parsestr(zipfile.ZipFile(wheel).read(metadata).decode()).get_all("Provides-Extra")
    )
    assert extras and set(extras) <= set(declared or [])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_image_runs_kith_and_its_health_check_follows_it(wheel: Path, tmp_path: Path) -> None:
    instructions = dockerfile()
    env = image_env(instructions)
    assert env["KITH_OPS_PORT"], "the health check needs the ops port on"
    unpacked, data, home = tmp_path / "site", tmp_path / "data", tmp_path / "home"
    # The image's `pip install` of the wheel, without fetching anything: the dependencies come
    # from this environment. pip writes the `kith` launcher the ENTRYPOINT runs.
    install = ["install", "--quiet", "--no-deps", "--no-index", "--target", str(unpacked)]
    subprocess.run(
        [sys.executable, "-m", "pip", *install, str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    data.mkdir()
    home.mkdir()

    def image(words: list[str]) -> list[str]:
        assert words[0] == "kith"
        return [str(unpacked / "bin" / "kith"), *words[1:]]

    container_env = {key: value.replace("/data", str(data)) for key, value in env.items()} | {
        "PYTHONPATH": str(unpacked),
        "KITH_OPS_PORT": str(free_port()),
    }
    healthcheck = image(only(instructions, "HEALTHCHECK", 1).exec_form())

    def health() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            healthcheck, cwd=home, env=container_env, capture_output=True, text=True, timeout=30
        )

    before = health()
    assert before.returncode == 1 and "cannot reach" in before.stderr
    command = image(
        only(instructions, "ENTRYPOINT", 1).exec_form() + only(instructions, "CMD", 1).exec_form()
    )
    kith = subprocess.Popen(
        command,
        cwd=home,
        env=container_env,
        stdin=subprocess.PIPE,  # `docker run -it`: a console that stays open
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + LIMIT
        while (answer := health()).returncode != 0:
            assert kith.poll() is None, kith.communicate()
            assert time.monotonic() < deadline, answer.stderr
            time.sleep(0.2)
        assert answer.stdout.startswith("200 ")
        assert json.loads(answer.stdout[4:])["database"] == "ok"
        assert (data / "kith.sqlite3").is_file()  # the database lives in the /data volume
        kith.send_signal(signal.SIGTERM)  # docker stop
        assert kith.wait(timeout=LIMIT) == 0
    finally:
        if kith.poll() is None:
            kith.kill()
        kith.communicate()
    after = health()
    assert after.returncode == 1 and "cannot reach" in after.stderr


def test_the_health_check_says_why_when_there_is_no_port_to_ask(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KITH_")}
    for port, reason in (("", "KITH_OPS_PORT is not set"), ("0", "set a fixed port")):
        result = subprocess.run(
            [sys.executable, "-m", "bot.cli", "health"],
            cwd=tmp_path,
            env=env | {"KITH_OPS_PORT": port, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert result.returncode == 1 and reason in result.stderr
