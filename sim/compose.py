"""From ``conf/`` and overrides to a validated, typed model spec — without the Hydra app.

Tests, notebooks and experiments call :func:`load` (compose + validate) and
:func:`sim.run`; the CLI calls the same functions, so there is one path from YAML to a run.
Errors from Hydra and OmegaConf (unknown keys, wrong types, missing groups) are turned into one
:class:`~sim.errors.ConfigError` line here, because their own messages span several lines and
end with advice about stack traces that a user of this tool does not need.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import re
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from hydra import compose as hydra_compose
from hydra import initialize_config_dir
from hydra.errors import HydraException, MissingConfigException
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import ConfigAttributeError, ConfigKeyError, OmegaConfBaseException

from sim.backlog import backlog_overrides
from sim.config import Config, register_configs
from sim.config.keys import field_types, stray_key
from sim.errors import ConfigError
from sim.validation import validate
from sim.yamlfile import yaml_error, yaml_files

if TYPE_CHECKING:
    from sim.runner import Results

CONFIG_NAME = "config"


def register_resolvers() -> None:
    """``${unique:}``: a short random suffix, the same wherever one run resolves it.

    ``conf/config.yaml`` names run and sweep folders with it (beside a time stamp to the
    microsecond) so two runs started together never share a folder. Cached like Hydra's
    ``${now:}``, and Hydra copies the cache into every job of a sweep, so a sweep's jobs agree.
    """
    OmegaConf.register_new_resolver(
        "unique", lambda: secrets.token_hex(3), use_cache=True, replace=True
    )


def conf_dir() -> Path:
    """The ``conf/`` folder: beside the package in a checkout, inside it in a wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "conf", here.parent / "conf"):
        if (candidate / f"{CONFIG_NAME}.yaml").is_file():
            return candidate
    raise FileNotFoundError(f"no {CONFIG_NAME}.yaml beside or inside {here}")


def compose(overrides: Sequence[str] = (), extra_config_dir: str | None = None) -> DictConfig:
    """Compose ``conf/config.yaml`` with Hydra overrides, as the CLI would (no run folder).

    ``extra_config_dir`` is searched too (like ``frontdoor --config-dir``), so a local authority
    can keep its own group files outside the repository.
    """
    register_configs()
    register_resolvers()
    folders = [conf_dir()]
    if extra_config_dir is not None:
        path = Path(extra_config_dir).resolve()
        if not path.is_dir():
            raise ConfigError(
                "--config-dir", extra_config_dir, "must be an existing folder of config groups"
            )
        folders.insert(0, path)
    with backlog_overrides(list(overrides), folders) as (rewritten, generated):
        overrides = with_searchpath(rewritten, [*folders[:-1], *filter(None, [generated])])
        return _compose(overrides, folders)


CONFIG_DIR_ALLOWED = "must be an existing folder of config groups (e.g. holding costs/ours.yaml)"


def config_dir_override(folder: str | Path) -> str:
    """The override that adds ``folder`` — a council's own config groups (``costs/ours.yaml``,
    ``staffing/ours.yaml`` …) — to Hydra's search path, so ``costs=ours`` finds it.

    Every command that composes through :func:`load` accepts it among its overrides, which is
    how the experiments (and any other command built on :func:`load`) take ``--config-dir``
    without threading a folder through every call: :func:`add_config_dir` adds the option.
    """
    path = Path(folder).expanduser().resolve()
    if not path.is_dir():
        raise ConfigError("--config-dir", str(folder), CONFIG_DIR_ALLOWED)
    return f"hydra.searchpath=[file://{path}]"


def add_config_dir(parser: argparse.ArgumentParser) -> None:
    """Give a command ``--config-dir DIR`` (as ``frontdoor`` has): ``args.config_dir`` is then
    a list of overrides (:func:`config_dir_override`; empty without the option) to add to the
    command's own. A folder that does not exist is one line from the parser, exit 2."""

    def folder(value: str) -> list[str]:
        try:
            return [config_dir_override(value)]
        except ConfigError:
            raise argparse.ArgumentTypeError(f"{value!r}: {CONFIG_DIR_ALLOWED}") from None

    parser.add_argument(
        "--config-dir",
        "-cd",
        type=folder,
        default=[],
        metavar="DIR",
        help="a folder of your own config groups (e.g. costs/ours.yaml), searched beside conf/; "
        "choose them as usual (costs=ours); see docs/examples/council/",
    )


def with_searchpath(overrides: list[str], folders: Sequence[Path]) -> list[str]:
    """``overrides`` with one ``hydra.searchpath`` naming ``folders`` and any already given."""
    given = [o for o in overrides if o.startswith("hydra.searchpath=")]
    rest = [o for o in overrides if not o.startswith("hydra.searchpath=")]
    entries = [f"file://{folder}" for folder in folders]
    for override in given:
        value = override.partition("=")[2].strip().removeprefix("[").removesuffix("]")
        entries += [e.strip() for e in value.split(",") if e.strip()]
    if not entries:
        return rest
    return [*rest, f"hydra.searchpath=[{','.join(dict.fromkeys(entries))}]"]


def _compose(overrides: list[str], folders: list[Path]) -> DictConfig:
    try:
        with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
            cfg = hydra_compose(config_name=CONFIG_NAME, overrides=overrides)
    except (HydraException, OmegaConfBaseException) as exc:
        broken = _yaml_cause(exc)
        if broken is not None:
            raise yaml_error(broken, yaml_files(folders)) from None
        raise config_error_from(exc, overrides) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:  # a broken YAML file: one line
        raise yaml_error(exc, yaml_files(folders)) from None
    refuse_empty_mappings(cfg, overrides)
    return cfg


EMPTY_MAPPING = re.compile(r"\{\s*\}")


def refuse_empty_mappings(cfg: DictConfig, overrides: Sequence[str]) -> None:
    """Refuse ``key={}`` for a mapping (``demand.sources={}``, ``staffing.pools={}`` …).

    Hydra *merges* the empty mapping into the existing entries, so the override changes nothing
    and the run would silently be the default one.
    """
    for override in overrides:
        name, sep, value = override.lstrip("+").partition("=")
        if not sep or not EMPTY_MAPPING.fullmatch(value.strip()) or name.startswith("hydra."):
            continue
        if isinstance(OmegaConf.select(cfg, name, default=None), DictConfig):
            raise ConfigError(
                name,
                value,
                "an empty mapping merges into the existing entries and changes nothing; remove "
                "an entry with ~key.entry, or give the entries in a YAML file of the group",
            )


def _yaml_cause(exc: BaseException) -> BaseException | None:
    """The YAML or decoding error behind a Hydra error, if any."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, yaml.YAMLError | UnicodeDecodeError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def to_spec(cfg: DictConfig | Config, overrides: Sequence[str] = ()) -> Config:
    """The plain, typed model spec of a composed config, domain-validated.

    The config is merged onto the root schema once more, so a key added with ``+key=value``
    (which Hydra lets through) is rejected like any other unknown key.
    """
    if isinstance(cfg, Config):
        spec = cfg
    else:
        try:
            spec = _typed_spec(cfg)
        except OmegaConfBaseException as exc:
            raise config_error_from(exc, overrides) from None
    validate(spec)
    return spec


def _typed_spec(cfg: DictConfig) -> Config:
    """The dataclasses of a composed config. A config composed on the schema (every group's
    node typed, no key the schema does not declare) is turned into them node by node, in
    milliseconds; anything else is merged onto the root schema first, which rejects a stray key
    by name but costs about half a second (:mod:`sim.config.keys`)."""
    plain = OmegaConf.to_container(cfg, resolve=True)
    assert isinstance(plain, dict)
    plain.pop("hydra", None)
    if OmegaConf.get_type(cfg) is Config and stray_key(plain, Config) is None:
        nodes = {f.name: cfg[f.name] for f in dataclasses.fields(Config)}
        if all(
            not OmegaConf.is_config(node) or OmegaConf.get_type(node) is _field_type(name)
            for name, node in nodes.items()
        ):
            parts: dict[str, Any] = {
                name: OmegaConf.to_object(node) if OmegaConf.is_config(node) else node
                for name, node in nodes.items()
            }
            return Config(**parts)
    obj: Any = OmegaConf.to_object(OmegaConf.merge(_root_schema(), plain))
    return obj


def _field_type(name: str) -> Any:
    """The declared type of the root config's field ``name``."""
    return field_types(Config)[name]


@functools.cache
def _root_schema() -> DictConfig:
    """The root schema as an OmegaConf node, built once per process: building it is a quarter
    of :func:`to_spec`'s cost, and ``OmegaConf.merge`` copies it rather than changing it."""
    return OmegaConf.structured(Config)


def load(overrides: Sequence[str] = (), extra_config_dir: str | None = None) -> Config:
    """Compose and validate: the typed spec for ``frontdoor <overrides>``."""
    return to_spec(compose(overrides, extra_config_dir), overrides)


def config_error_from(exc: Exception, overrides: Sequence[str] = ()) -> ConfigError:
    """One :class:`ConfigError` line for a Hydra or OmegaConf error.

    ``overrides`` (the command line's ``key=value`` words) let the line quote the value the user
    typed for a key the config does not have.
    """
    cause: BaseException = exc
    while isinstance(cause.__cause__, HydraException | OmegaConfBaseException):
        cause = cause.__cause__
    lines = str(cause).strip().splitlines()
    first = lines[0] if lines else type(cause).__name__
    # Hydra wraps errors from a YAML file in one message: "In 'group/file': … \n<reason>\n
    # full_key: <key>"; take the reason and the key from it.
    keyed = [line.split("full_key:", 1)[1].strip() for line in lines if "full_key:" in line]
    if keyed and not getattr(cause, "full_key", None):
        reason = lines[1].strip() if len(lines) > 1 else first
        where = first.split(":")[0].removeprefix("In ")
        choice = ENUM_CHOICES.search(reason)
        if choice:  # a bad enum value in a YAML file: name the value, the choices, the file
            return ConfigError(keyed[0], choice[1], f"{_one_of(choice[2])} (in {where})")
        return ConfigError(keyed[0], f"in {where}", reason)
    if isinstance(cause, MissingConfigException) and cause.missing_cfg_file:
        group, _, name = cause.missing_cfg_file.rpartition("/")
        options = [o for o in (cause.options or []) if o != "schema"]
        allowed = f"must be one of {', '.join(options)}" if options else first
        return ConfigError(group or "config", name, allowed)
    key: str = str(getattr(cause, "full_key", None) or "")
    # A new entry in a typed dict, e.g. +staffing.pools.x.staff=1, which OmegaConf cannot build.
    if "is not a subclass of" in first:
        name, value = _override_naming(key, overrides)
        return ConfigError(name, value, NEW_ENTRY_HINT)
    if isinstance(cause, ConfigAttributeError | ConfigKeyError) and key:
        return ConfigError(*_typed_override(key, overrides), UNKNOWN_KEY_HINT)
    if key:
        given = getattr(cause, "value", None)
        choice = ENUM_CHOICES.search(first)
        if choice:  # a bad value for an enum key: "Invalid value 'x', expected one of [a, b]"
            first = _one_of(choice[2])
        return ConfigError(key, given if given is not None else _typed_value(key, overrides), first)
    return ConfigError("override", " ".join(overrides) or "?", first)


ENUM_CHOICES = re.compile(r"^Invalid value '(.*)', expected one of \[(.*)\]$")
"""OmegaConf's message for a bad value of an enum-typed key (sim.config's choices)."""


def _one_of(choices: str) -> str:
    return f"must be one of {', '.join(sorted(choices.split(', ')))}"


UNKNOWN_KEY_HINT = "no such key in the config (see `frontdoor --cfg job` for every key)"
NEW_ENTRY_HINT = (
    "a new named entry (pool, source, agency …) cannot be added on the command line; "
    "add it in a YAML file of its config group (see docs/configuration.md)"
)


def _override_naming(part: str, overrides: Sequence[str]) -> tuple[str, str]:
    """The full ``key`` and ``value`` of the override whose key mentions ``part``."""
    for override in overrides:
        name, sep, value = override.lstrip("+~").partition("=")
        if sep and part in name.split("."):
            return name, value
    return part or "override", "?"


def _typed_value(key: str, overrides: Sequence[str]) -> str:
    """The value typed on the command line for ``key`` (``key=value``, ``+key=value`` …)."""
    return _typed_override(key, overrides)[1]


def _typed_override(key: str, overrides: Sequence[str]) -> tuple[str, str]:
    """The override naming ``key`` or a key below it, as typed: ``(full key, value)``.

    OmegaConf reports an unknown entry of a dict by its own path (``staffing.pools.x``) even
    when the user typed ``staffing.pools.x.staff=3``; the user's words are what they know.
    """
    for override in overrides:
        name, sep, value = override.lstrip("+~").partition("=")
        if sep and name == key:
            return name, value
    for override in overrides:
        name, sep, value = override.lstrip("+~").partition("=")
        if sep and name.startswith(key + "."):
            return name, value
    return key, "?"


def run(
    cfg: Any,
    progress: bool | None = None,
    on_replication: Callable[[int, int], None] | None = None,
) -> Results:
    """Validate a config (a composed ``DictConfig`` or a typed :class:`Config`) and run it.

    The plain function behind the ``frontdoor`` app: tests, notebooks, experiments and the
    leaders' page call it directly. Raises :class:`~sim.errors.ConfigError` for bad input
    before anything runs. ``on_replication(done, total)`` is told of each finished replication
    (the runner itself is told with no arguments; the count and the total are kept here).
    """
    from sim.runner import simulate_replications

    spec = to_spec(cfg)
    if on_replication is None:
        return simulate_replications(spec, progress=progress)
    auto = spec.run.auto_replications
    total = auto.cap if auto.enabled else spec.run.replications
    done = 0

    def told() -> None:
        nonlocal done
        done += 1
        on_replication(done, total)

    return simulate_replications(spec, progress=progress, on_replication=told)
