"""From ``conf/`` and overrides to a validated, typed model spec — without the Hydra app.

Tests, notebooks and experiments call :func:`load` (compose + validate) and
:func:`sim.run`; the CLI calls the same functions, so there is one path from YAML to a run.
Errors from Hydra and OmegaConf (unknown keys, wrong types, missing groups) are turned into one
:class:`~sim.errors.ConfigError` line here, because their own messages span several lines and
end with advice about stack traces that a user of this tool does not need.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hydra import compose as hydra_compose
from hydra import initialize_config_dir
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.config import Config, register_configs
from sim.errors import ConfigError
from sim.validation import validate

CONFIG_NAME = "config"


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
    overrides = list(overrides)
    if extra_config_dir is not None:
        path = Path(extra_config_dir).resolve()
        overrides.append(f"hydra.searchpath=[file://{path}]")
    try:
        with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
            return hydra_compose(config_name=CONFIG_NAME, overrides=overrides)
    except (HydraException, OmegaConfBaseException) as exc:
        raise config_error_from(exc) from None


def to_spec(cfg: DictConfig | Config) -> Config:
    """The plain, typed model spec of a composed config, domain-validated."""
    if isinstance(cfg, Config):
        spec = cfg
    else:
        try:
            cfg = cfg.copy()
            with _unlocked(cfg):
                cfg.pop("hydra", None)
            obj: Any = OmegaConf.to_object(cfg)
        except OmegaConfBaseException as exc:
            raise config_error_from(exc) from None
        if not isinstance(obj, Config):
            obj = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(Config), obj))
        spec = obj
    validate(spec)
    return spec


def load(overrides: Sequence[str] = (), extra_config_dir: str | None = None) -> Config:
    """Compose and validate: the typed spec for ``frontdoor <overrides>``."""
    return to_spec(compose(overrides, extra_config_dir))


class _unlocked:
    def __init__(self, cfg: DictConfig) -> None:
        self.cfg = cfg
        self.struct = OmegaConf.is_struct(cfg)

    def __enter__(self) -> None:
        OmegaConf.set_struct(self.cfg, False)

    def __exit__(self, *exc: object) -> None:
        OmegaConf.set_struct(self.cfg, self.struct)


def config_error_from(exc: Exception) -> ConfigError:
    """One :class:`ConfigError` line for a Hydra or OmegaConf error."""
    cause: BaseException = exc
    while cause.__cause__ is not None and isinstance(
        cause.__cause__, HydraException | OmegaConfBaseException
    ):
        cause = cause.__cause__
    key = getattr(cause, "full_key", None) or ""
    message = str(cause).strip().splitlines()
    first = message[0] if message else type(cause).__name__
    if "not in struct" in first or ("Key '" in first and "not in" in first):
        name = key or first.split("'")[1] if "'" in first else key
        return ConfigError(name or "override", "unknown key", _KNOWN_KEYS_HINT)
    value = getattr(cause, "value", None)
    if key:
        return ConfigError(key, value if value is not None else "?", first)
    return ConfigError("override", _override_text(exc), first)


_KNOWN_KEYS_HINT = "no such key in the config (see `frontdoor --cfg job` for every key)"


def _override_text(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
