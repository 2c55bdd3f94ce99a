"""Settings from the environment (prefix LANDSTOCK_) and a `.env` file, one class per concern.

Read when the app or a CLI command starts, never at import; validated then, so a bad value stops
start-up with a message instead of failing later.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, IPvAnyNetwork, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from gis import freshness, localtime, mbtiles, replica
from gis.database import BUSY_TIMEOUT_MS
from gis.io.limits import ImportLimits
from gis.matching.criteria import CRITERION, Weights
from gis.matching.lead import LeadConfig
from gis.matching.need import MatchConfig
from gis.matching.review import ReviewConfig
from gis.media import MediaLimits
from gis.pipeline.config import PipelineConfig
from gis.signin import Throttle

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DEV_SECRET = "landstock-development-secret-do-not-use-in-production"
MIN_SECRET_BYTES = 32
# The domain's own defaults: a setting below that mirrors one takes it from here, so each number
# is stated once, in gis/ (the descriptions and bounds stay with the settings).
MATCH, REVIEW, IMPORTS, THROTTLE = MatchConfig(), ReviewConfig(), ImportLimits(), Throttle()
PIPELINE, LEAD = PipelineConfig(), LeadConfig()
MEDIA = MediaLimits()


def _config(prefix: str) -> SettingsConfigDict:
    # each setting's description is the docstring under it
    return SettingsConfigDict(
        env_prefix=prefix,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        use_attribute_docstrings=True,
    )


# The kinds of number a setting is, each with its bounds stated once
Positive = Annotated[float, Field(gt=0)]
NonNegative = Annotated[float, Field(ge=0)]
Count = Annotated[int, Field(ge=1)]


class DatabaseSettings(BaseSettings):
    """Where the inventory lives."""

    model_config = _config("LANDSTOCK_DATABASE_")

    url: str = f"sqlite:///{DEFAULT_DATA_DIR / 'landstock.sqlite'}"
    """sqlite:///path/file.sqlite (SpatiaLite) or postgresql+psycopg://user:pass@host/db"""
    spatialite_library: str = "mod_spatialite"
    """SpatiaLite extension to load (name or path)"""
    busy_timeout_ms: Annotated[int, Field(ge=0)] = BUSY_TIMEOUT_MS
    """How long a SQLite writer waits for the lock"""
    read_url: str | None = None
    """postgresql+psycopg://… of a streaming replica for reads that may be a moment old (lists, maps,
    tiles, OGC items, matches); PostGIS only; unset: every read on the primary"""
    read_max_lag_s: Positive = replica.MAX_LAG_S
    """How far behind (seconds of replay) the replica may be and still answer"""
    read_after_write_s: Annotated[int, Field(ge=1)] = 300
    """How long after a client's write its reads wait for the replica to have replayed that write"""

    @field_validator("read_url", mode="before")
    @classmethod
    def _blank_read_url(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _replica_of_postgresql(self) -> DatabaseSettings:
        if self.read_url is None:
            return self
        named = (("LANDSTOCK_DATABASE_URL", self.url), ("LANDSTOCK_DATABASE_READ_URL", self.read_url))
        for name, url in named:
            if not url.startswith("postgresql"):
                raise ValueError(
                    f"{name}: a read replica needs PostgreSQL on both sides (postgresql+psycopg://…); "
                    "unset LANDSTOCK_DATABASE_READ_URL to read from the one database"
                )
        return self


class AppSettings(BaseSettings):
    """How the service runs."""

    model_config = _config("LANDSTOCK_")

    environment: Literal["development", "test", "production"] = "development"
    secret_key: SecretStr = SecretStr(DEV_SECRET)
    """Signs sessions; must be set in production"""
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8000
    data_dir: Path = DEFAULT_DATA_DIR
    """Folder of reference tables (reference/) and sample (sample/)"""
    language: Literal["zh", "en"] = "zh"
    """Default interface language"""
    timezone: str = localtime.DEFAULT_TIMEZONE
    """IANA time zone every time is shown in (pages, PDFs, spreadsheets, CLI); the database keeps UTC"""
    max_page_size: Annotated[int, Field(ge=1, le=10_000)] = 1000
    cors_origins: list[str] = []
    """Origins allowed by CORS; empty turns CORS off"""
    tianditu_key: SecretStr | None = None
    """天地图 key (tk) for basemaps"""
    warm_tiles: bool = True
    """Draw the county view's map tiles in the background when the service starts"""
    tile_share_dir: Path | None = None
    """Folder the workers of one server share their drawn tiles in (set by `landstock serve --workers`)"""

    @field_validator("tianditu_key", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            localtime.zone(value)
        except ValueError as exc:
            raise ValueError(f"LANDSTOCK_TIMEZONE: {exc}") from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The time zone times are shown in."""
        return localtime.zone(self.timezone)

    @model_validator(mode="after")
    def _refuse_weak_secret(self) -> AppSettings:
        if self.environment != "production":
            return self
        secret = self.secret_key.get_secret_value()
        if secret == DEV_SECRET or len(secret.strip().encode()) < MIN_SECRET_BYTES:
            raise ValueError(
                f"LANDSTOCK_SECRET_KEY must be a secret of your own of at least {MIN_SECRET_BYTES} bytes "
                "in production (it signs sessions and device cookies); make one with: "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        return self


class MatchSettings(BaseSettings):
    """How matching ranks sites: rules, scales and the weight of each criterion."""

    model_config = _config("LANDSTOCK_MATCH_")

    plot_ratio_floor: Annotated[float, Field(gt=0, le=10)] = MATCH.plot_ratio_floor
    """Provincial/county plot-ratio floor for new industrial projects: Jiangsu 苏中 1.2
    (苏政办发〔2021〕103号); the county may set a stricter value"""
    plot_ratio_floor_rule: str = MATCH.plot_ratio_floor_rule
    """The rule the floor comes from, as cited"""
    derived_min_share: Annotated[float, Field(gt=0, le=1)] = MATCH.derived_min_share
    """Lower bound of a land need derived from investment, as a share of the upper bound"""
    unclassified_industrial_nuisance: Annotated[int, Field(ge=1, le=3)] = (
        MATCH.unclassified_industrial_nuisance
    )
    """Highest nuisance class admitted by 工业用地 (1001) whose class is not stated (Landstock default)"""
    logistics_industries: list[str] = list(MATCH.logistics_industries)
    """Industry codes that need 1101 物流仓储用地"""
    sea_use_industries: list[str] = list(MATCH.sea_use_industries)
    """Industry codes admitted on 1901 工业用海"""
    high_standard_factory_max_mu: NonNegative = MATCH.high_standard_factory_max_mu
    """Below this land need (1.5 公顷) a project that suits high-standard factories is steered to
    vacant standard factories (苏政办发〔2021〕103号)"""
    distance_scale_km: Positive = MATCH.distance_scale_km
    """Distance at which a distance criterion scores 0"""
    price_low_wan_per_mu: NonNegative = MATCH.price_low_wan_per_mu
    """Land price scoring 1 (万元/亩)"""
    price_high_wan_per_mu: Positive = MATCH.price_high_wan_per_mu
    """Land price scoring 0 (万元/亩)"""
    rent_low_yuan: NonNegative = MATCH.rent_low_yuan
    """Factory rent scoring 1 (元/平方米·月)"""
    rent_high_yuan: Positive = MATCH.rent_high_yuan
    """Factory rent scoring 0 (元/平方米·月)"""
    idle_full_years: Positive = MATCH.idle_full_years
    """Idle years at which the idle criterion is full"""
    chain_full_firms: Count = MATCH.chain_full_firms
    """Same-chain firms in a park for a full chain score"""
    assembly_gap_m: Annotated[float, Field(ge=0, le=200)] = MATCH.assembly_gap_m
    """Parcels this close (metres) count as adjacent for assembly, e.g. across a 12-15 m internal road"""
    assembly_max_members: Annotated[int, Field(ge=2, le=8)] = MATCH.assembly_max_members
    """Most parcels in one assembled site"""
    assembly_seeds: Annotated[int, Field(ge=1, le=500)] = MATCH.assembly_seeds
    """Largest pieces the assembly search starts from"""
    assembly_window_m: Annotated[float, Field(gt=0, le=5000)] = MATCH.assembly_window_m
    """Search radius around each seed (m)"""
    assembly_penalty: Annotated[float, Field(ge=0, le=100)] = MATCH.assembly_penalty
    """Points taken off an assembled site: several owners and titles to bring together"""
    near_miss_pool: Annotated[int, Field(ge=1, le=200)] = MATCH.near_miss_pool
    """Parcels examined for near misses per status, land-use class and side of the need"""
    near_miss_slack: Annotated[float, Field(ge=0, le=1)] = MATCH.near_miss_slack
    """Share by which a near miss may miss the area"""
    near_miss_max_failures: Annotated[int, Field(ge=1, le=10)] = MATCH.near_miss_max_failures
    """Most failed constraints of a near miss"""
    weights: dict[str, float] = Field(
        default_factory=dict,
        description=("Weights by criterion, JSON, merged over the defaults: " + ", ".join(CRITERION)),
    )

    @field_validator("weights")
    @classmethod
    def _known_criteria(cls, value: dict[str, float]) -> dict[str, float]:
        Weights(**value)  # refuses unknown criteria
        if any(w < 0 for w in value.values()):
            raise ValueError("weights must not be negative")
        return value


class LeadSettings(BaseSettings):
    """How a pasted project lead is read (gis/matching/lead.py)."""

    model_config = _config("LANDSTOCK_")

    usd_cny: Annotated[float, Field(gt=0, le=100)] = LEAD.usd_cny
    """Yuan per US dollar, for amounts a lead gives in 美元"""
    lead_near_km: Annotated[float, Field(gt=0, le=200)] = LEAD.near_km
    """What 靠近港口, 近高速 or 靠近火车站 in a lead asks: at most this many km"""

    def config(self) -> LeadConfig:
        """The parser's choices."""
        return LeadConfig(usd_cny=self.usd_cny, near_km=self.lead_near_km)


class ReviewSettings(BaseSettings):
    """The city's thresholds for the joint review (联合会审). EXAMPLE VALUES until the city sets its own."""

    model_config = _config("LANDSTOCK_REVIEW_")

    investment_intensity_min: Positive = REVIEW.investment_intensity_min
    """投资强度 minimum (万元/亩); example value (a park screen used 300); also divides the
    fixed-asset investment to derive a land need"""
    output_per_mu_min: NonNegative = REVIEW.output_per_mu_min
    """亩均产出 minimum (万元/亩); example value"""
    tax_per_mu_min: NonNegative = REVIEW.tax_per_mu_min
    """亩均税收 minimum (万元/亩); example value"""
    per_park: dict[str, dict[str, float]] = {}
    """Thresholds per park, JSON: {"P01": {"investment_intensity_min": 350}}"""
    national_investment_intensity: float | None = REVIEW.national_investment_intensity
    """National recommended 投资强度 (自然资发〔2023〕72号) for the county's tier; unset: not judged"""
    building_coefficient_national: float = REVIEW.building_coefficient_national
    """建筑系数 ≥ (%), 国土资发〔2008〕24号"""
    building_coefficient_city: float = REVIEW.building_coefficient_city
    """建筑系数 ≥ (%), city; example value"""
    office_share_national: float = REVIEW.office_share_national
    """行政办公及生活服务设施用地 ≤ (%), national"""
    office_share_city: float = REVIEW.office_share_city
    """行政办公及生活服务设施用地 ≤ (%), city"""

    @field_validator("per_park")
    @classmethod
    def _known_thresholds(cls, value: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        known = {"investment_intensity_min", "output_per_mu_min", "tax_per_mu_min"}
        for park, overrides in value.items():
            if set(overrides) - known:
                raise ValueError(f"{park}: unknown thresholds {sorted(set(overrides) - known)}")
        return value


class PipelineSettings(BaseSettings):
    """The city's rules for the investment pipeline (Landstock's defaults until the city sets its own)."""

    model_config = _config("LANDSTOCK_PIPELINE_")

    major_total_wan: Positive = PIPELINE.major_total_wan
    """重特大项目: total investment at least (万元)"""
    major_foreign_wusd: Positive = PIPELINE.major_foreign_wusd
    """重特大项目: or foreign investment at least (万美元)"""
    large_total_wan: Positive = PIPELINE.large_total_wan
    """亿元以上项目: total investment at least (万元)"""
    large_foreign_wusd: Positive = PIPELINE.large_foreign_wusd
    """亿元以上项目: or foreign investment at least (万美元)"""
    review_before_signing: bool = PIPELINE.review_before_signing
    """A project that needs land signs only after its joint review (联合会审) passed"""
    follow_up_days: Count = PIPELINE.follow_up_days
    """Days without a follow-up after which an active project is flagged"""
    signed_unsupplied_days: Count = PIPELINE.signed_unsupplied_days
    """Days after signing without land or a factory supplied (签约未供地) before it is flagged"""
    reservation_days: Count = PIPELINE.reservation_days
    """Days a reservation (意向) may be held without progress before it is flagged"""
    idle_fee_years: Count = PIPELINE.idle_fee_years
    """Years supplied land may stay unstarted before it is flagged idle (闲置土地, 征缴土地闲置费)"""
    idle_reclaim_years: Count = PIPELINE.idle_reclaim_years
    """Years unstarted after which idle land may be taken back without compensation (无偿收回)"""
    weight_major_leads: NonNegative = PIPELINE.weight_major_leads
    """Scorecard points per new 亿元以上 lead"""
    weight_signed: NonNegative = PIPELINE.weight_signed
    """Scorecard points per project signed"""
    weight_registered: NonNegative = PIPELINE.weight_registered
    """Scorecard points per project registered"""
    weight_supplied: NonNegative = PIPELINE.weight_supplied
    """Scorecard points per project given its land or factory (above a signing)"""
    weight_started: NonNegative = PIPELINE.weight_started
    """Scorecard points per project started (above a supply)"""
    weight_investment_started: NonNegative = PIPELINE.weight_investment_started
    """Scorecard points per 亿元 of investment started"""
    weight_key_industry_share: NonNegative = PIPELINE.weight_key_industry_share
    """Scorecard points when every landed project is in a key industry (in proportion below)"""
    weight_key_platform_share: NonNegative = PIPELINE.weight_key_platform_share
    """Scorecard points when every landed project is on a key platform (in proportion below)"""
    key_industries: tuple[str, ...] = PIPELINE.key_industries
    """The city's key industries: GB/T 4754 code prefixes, JSON list"""
    key_platforms: tuple[str, ...] = PIPELINE.key_platforms
    """The key platforms (重点平台) by park or town code, JSON list; empty: those marked 重点平台"""

    @model_validator(mode="after")
    def _idle_order(self) -> PipelineSettings:
        if self.idle_reclaim_years <= self.idle_fee_years:
            raise ValueError(
                "LANDSTOCK_PIPELINE_IDLE_RECLAIM_YEARS must exceed LANDSTOCK_PIPELINE_IDLE_FEE_YEARS"
            )
        return self

    @model_validator(mode="after")
    def _started_above_supplied_above_signed(self) -> PipelineSettings:
        self.config()  # the domain refuses weights that put a signing above a start
        return self

    def config(self) -> PipelineConfig:
        """The rules as gis/pipeline takes them."""
        return PipelineConfig(**self.model_dump())


class VerifySettings(BaseSettings):
    """How fresh the inventory must be kept (核实)."""

    model_config = _config("LANDSTOCK_VERIFY_")

    after_days: Count = freshness.VERIFY_AFTER_DAYS
    """Calendar days after its last verification a parcel or factory is due again (待核实)"""


class MapSettings(BaseSettings):
    """How the web pages draw maps and where their browser assets come from."""

    model_config = SettingsConfigDict(**_config("LANDSTOCK_MAP_"), populate_by_name=True)

    assets: Literal["local", "cdn"] = "local"
    """local: JS/CSS served by Landstock (intranet); cdn: public CDN"""
    assets_dir: Path = PROJECT_ROOT / "node_modules"
    """Where `npm ci` installed the browser assets"""
    basemap: Literal["none", "osm", "tianditu_vec", "tianditu_img"] = "none"
    """Basemap shown first; none works with no internet"""
    basemap_tiles: Annotated[Path | None, Field(validation_alias="LANDSTOCK_BASEMAP_TILES")] = None
    """A local tile package (.mbtiles: raster png/jpg/webp or vector pbf) Landstock serves at /basemap
    and every map offers first; without one, maps draw the context layer from Landstock's own data"""

    @field_validator("basemap_tiles", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("basemap_tiles")
    @classmethod
    def _a_readable_package(cls, value: Path | None) -> Path | None:
        if value is not None:
            try:
                mbtiles.open_package(value)
            except mbtiles.BadTilePackage as exc:
                raise ValueError(
                    f"LANDSTOCK_BASEMAP_TILES: {exc.message('zh')} / {exc.message('en')}"
                ) from None
        return value

    def package(self) -> mbtiles.TilePackage | None:
        """The configured tile package's metadata, or None without one."""
        return mbtiles.open_package(self.basemap_tiles) if self.basemap_tiles else None


class AuthSettings(BaseSettings):
    """Sign-in, sessions and tokens."""

    model_config = _config("LANDSTOCK_AUTH_")

    cookie_secure: bool | None = None
    """Send the session cookie over HTTPS only (default: yes in production)"""
    session_hours: Annotated[int, Field(ge=1, le=24 * 30)] = 12
    """Web session lifetime"""
    token_days: Annotated[int, Field(ge=1, le=3650)] = 90
    """Lifetime of API tokens"""
    max_failures_per_name: Count = THROTTLE.per_name
    """Failed sign-ins tolerated per user"""
    max_failures_per_address: Count = THROTTLE.per_address
    """… and per client address"""
    failure_window_minutes: Count = THROTTLE.window // dt.timedelta(minutes=1)
    """How long failures count"""
    device_days: Annotated[int, Field(ge=1, le=3650)] = 180
    """Lifetime of the trusted-device cookie a successful sign-in leaves (failures from a trusted
    device count against that device alone)"""
    trusted_proxies: Annotated[list[IPvAnyNetwork], NoDecode] = []
    """Reverse proxies (IPs or CIDRs, comma-separated or a JSON list) whose X-Forwarded-For names the
    client; from any other peer the header is ignored"""

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value


class ReadSettings(BaseSettings):
    """Who may read without signing in, and how often an account may export the inventory."""

    model_config = _config("LANDSTOCK_")

    public_read: Literal["inventory", "none"] = "inventory"
    """inventory: parcels, factories, areas, maps, tiles, the OGC API and the inventory pages are
    readable without signing in (for promotion); none: sign-in for everything but /healthz, /login
    and static files (an intranet)"""
    export_max_per_hour: Annotated[int, Field(ge=1, le=100_000)] = 30
    """Full-inventory exports (files, the leaders' XLSX) per account per hour"""


class BrochureSettings(BaseSettings):
    """What the investor brochure (招商推介单页) prints besides the sites' facts."""

    model_config = _config("LANDSTOCK_BROCHURE_")

    contact: str = "启东市商务局 招商服务窗口"
    """The contact printed on every Chinese brochure (the bureau's desk, phone, e-mail)"""
    contact_en: str = "Qidong Municipal Bureau of Commerce, investment service desk"
    """The same contact on the English brochure"""


MB = 1024 * 1024


class ImportSettings(BaseSettings):
    """Limits of imports (uploads and the CLI) and the region their features must lie in."""

    model_config = _config("LANDSTOCK_IMPORT_")

    max_upload_mb: Positive = IMPORTS.max_bytes / MB
    """Largest file (or unpacked folder)"""
    max_features: Count = IMPORTS.max_features
    """Most features or rows in one file"""
    max_vertices: Annotated[int, Field(ge=4)] = IMPORTS.max_vertices
    """Most vertices in one geometry"""
    zip_max_entries: Count = IMPORTS.zip_max_entries
    """Most entries in a zip"""
    zip_max_total_mb: Positive = IMPORTS.zip_max_bytes / MB
    """Largest unpacked size of a zip"""
    zip_max_ratio: Annotated[float, Field(gt=1)] = IMPORTS.zip_max_ratio
    """Highest compression ratio of a zip entry"""
    region: tuple[float, float, float, float] = IMPORTS.region
    """Service region: min_lon, min_lat, max_lon, max_lat (EPSG:4490)"""
    max_shift_m: Positive = IMPORTS.max_shift_m
    """Largest consistent shift of existing outlines an import makes without --accept-moves (m)"""
    county_code: Annotated[str, Field(pattern=r"^\d{6}$", validation_alias="LANDSTOCK_COUNTY_CODE")] = (
        IMPORTS.county_code
    )
    """The county's administrative code (启东市 320681): cadastral keys of another county are refused"""

    @model_validator(mode="after")
    def _region_is_a_box(self) -> ImportSettings:
        x0, y0, x1, y1 = self.region
        if not (-180 <= x0 < x1 <= 180 and -90 <= y0 < y1 <= 90):
            raise ValueError("LANDSTOCK_IMPORT_REGION must be [min_lon, min_lat, max_lon, max_lat]")
        return self

    def limits(self) -> ImportLimits:
        """The limits as gis/ takes them."""
        return ImportLimits(
            max_bytes=int(self.max_upload_mb * MB),
            max_features=self.max_features,
            max_vertices=self.max_vertices,
            zip_max_entries=self.zip_max_entries,
            zip_max_bytes=int(self.zip_max_total_mb * MB),
            zip_max_ratio=self.zip_max_ratio,
            region=self.region,
            max_shift_m=self.max_shift_m,
            county_code=self.county_code,
        )


class AttachmentSettings(BaseSettings):
    """Photos and documents attached to parcels and factories: their limits, and how far from its
    site a photo may be taken before its page warns."""

    model_config = _config("LANDSTOCK_")

    upload_max_mb: Positive = MEDIA.max_bytes / MB
    """Largest photo or document (MB); a larger one is refused (413)"""
    upload_max_files: Annotated[int, Field(ge=1, le=100)] = MEDIA.max_files
    """Most files in one upload"""
    photo_max_megapixels: Annotated[float, Field(gt=0, le=200)] = MEDIA.max_pixels / 1_000_000
    """Largest photo in millions of pixels, read from its header before it is decoded; a larger one
    is refused (413); those below are shrunk to 2560 px on their longest side"""
    photo_far_m: NonNegative = 200
    """A photo taken farther than this from its parcel's outline or factory (m) is flagged"""

    def limits(self) -> MediaLimits:
        """The limits as gis/media.py takes them."""
        return MediaLimits(
            max_bytes=int(self.upload_max_mb * MB),
            max_files=self.upload_max_files,
            max_pixels=int(self.photo_max_megapixels * 1_000_000),
        )

    def body_bytes(self) -> int:
        """The largest upload request: every file at its largest, and room for the form around them."""
        return int(self.upload_max_mb * MB) * self.upload_max_files + MB


@dataclass(frozen=True)
class Settings:
    """All settings of one running Landstock."""

    database: DatabaseSettings
    app: AppSettings
    auth: AuthSettings = field(default_factory=AuthSettings)
    imports: ImportSettings = field(default_factory=ImportSettings)
    match: MatchSettings = field(default_factory=MatchSettings)
    review: ReviewSettings = field(default_factory=ReviewSettings)
    map: MapSettings = field(default_factory=MapSettings)
    read: ReadSettings = field(default_factory=ReadSettings)
    pipeline: PipelineSettings = field(default_factory=PipelineSettings)
    lead: LeadSettings = field(default_factory=LeadSettings)
    verify: VerifySettings = field(default_factory=VerifySettings)
    attachments: AttachmentSettings = field(default_factory=AttachmentSettings)
    brochure: BrochureSettings = field(default_factory=BrochureSettings)

    def match_config(self) -> MatchConfig:
        """The matching rules for gis/matching/."""
        values = self.match.model_dump(exclude={"weights", "logistics_industries", "sea_use_industries"})
        weights = Weights(**self.match.weights)
        return MatchConfig(
            **values,
            logistics_industries=tuple(self.match.logistics_industries),
            sea_use_industries=tuple(self.match.sea_use_industries),
            investment_intensity_wan_per_mu=self.review.investment_intensity_min,
            weights=weights,
        )

    def review_config(self) -> ReviewConfig:
        """The review thresholds for gis/matching/review.py."""
        return ReviewConfig(**self.review.model_dump())

    @property
    def reference_dir(self) -> Path:
        """The reference tables' folder."""
        return self.app.data_dir / "reference"

    @property
    def sample_dir(self) -> Path:
        """The generated sample's folder."""
        return self.app.data_dir / "sample"


def load_settings(**database: object) -> Settings:
    """Read every settings class from the environment; keyword arguments override the database."""
    return Settings(
        database=DatabaseSettings(**database),  # type: ignore[arg-type]
        app=AppSettings(),
        auth=AuthSettings(),
        imports=ImportSettings(),
        match=MatchSettings(),
        review=ReviewSettings(),
        read=ReadSettings(),
        pipeline=PipelineSettings(),
        lead=LeadSettings(),
        verify=VerifySettings(),
        attachments=AttachmentSettings(),
        brochure=BrochureSettings(),
    )
