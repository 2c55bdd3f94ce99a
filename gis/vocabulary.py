"""The inventory's words, each said once as an enum: the kinds of site, the layers files and maps
hold, what a match proposes, the kinds of record the history keeps and what a change did, the kinds
of area, building types and stock types.

The values are the codes stored in the database and written in URLs, files and labels
(`kind.parcel`, `map.layer.parcels`, `area_kind.park`, ...). Statuses are in gis/status.py, roles
in gis/access.py and project stages in gis/pipeline/stages.py, beside the rules that use them.
"""

from __future__ import annotations

from enum import StrEnum


class SiteKind(StrEnum):
    """A kind of site (存量地块 or 存量厂房)."""

    PARCEL = "parcel"
    FACTORY = "factory"

    @property
    def layer(self) -> Layer:
        """The layer that holds sites of this kind (its URLs, tiles, exports)."""
        return Layer.PARCELS if self == SiteKind.PARCEL else Layer.FACTORIES


class Layer(StrEnum):
    """What a file, an import, an export or a tile set holds."""

    PARCELS = "parcels"
    FACTORIES = "factories"
    AREAS = "areas"
    PROJECTS = "projects"  # investment projects: files only (import, export, template), no map
    RECEPTORS = "receptors"  # sensitive receptors (卫生防护距离): import only, read by the match

    @property
    def site_kind(self) -> SiteKind | None:
        """The kind of site the layer holds (None: areas, projects, receptors)."""
        return {Layer.PARCELS: SiteKind.PARCEL, Layer.FACTORIES: SiteKind.FACTORY}.get(self)


class CandidateKind(StrEnum):
    """What a match proposes: a parcel, parcels assembled into one site (拼地), or a factory."""

    PARCEL = "parcel"
    ASSEMBLY = "assembly"
    FACTORY = "factory"


class RecordKind(StrEnum):
    """A kind of record whose every change the history keeps (gis/history.py)."""

    PARCEL = "parcel"
    FACTORY = "factory"
    PROJECT = "project"
    AREA = "area"


class RecordAction(StrEnum):
    """What one change did to a record (RecordChange.action)."""

    CREATE = "create"
    UPDATE = "update"
    STATUS = "status"
    DELETE = "delete"
    RESTORE = "restore"
    VERIFY = "verify"  # 核实无变化: seen on site to be as recorded


class AreaKind(StrEnum):
    """A kind of area: 园区, 镇, 片区 (a zone lies within a park)."""

    PARK = "park"
    TOWN = "town"
    ZONE = "zone"


class BuildingType(StrEnum):
    """What a factory building is."""

    STANDARD = "standard"
    SELF_BUILT = "self_built"
    WAREHOUSE = "warehouse"
    RND = "rnd"


class StockType(StrEnum):
    """Why a parcel is in the stock (批而未供, 闲置, 低效, 储备, 其他)."""

    APPROVED_UNSUPPLIED = "approved_unsupplied"
    IDLE = "idle"
    INEFFICIENT = "inefficient"
    RESERVE = "reserve"
    OTHER = "other"


class ReadyItem(StrEnum):
    """What a parcel is ready with: the site works of 七通一平 and whether its land is net (净地)."""

    ROAD = "road"
    POWER = "power"
    WATER = "water"
    DRAINAGE = "drainage"
    TELECOM = "telecom"
    GAS = "gas"
    HEAT = "heat"
    LEVELED = "leveled"
    NET_LAND = "net_land"

    @property
    def column(self) -> str:
        """The parcel column that records it (net land has no `ready_` prefix)."""
        return self.value if self == ReadyItem.NET_LAND else f"ready_{self.value}"


# The site works alone (a yes/no each on the parcel page and the edit form), then every column
SITE_WORKS = tuple(item for item in ReadyItem if item != ReadyItem.NET_LAND)
READY_COLUMNS = tuple(item.column for item in ReadyItem)


class FollowUpKind(StrEnum):
    """How a project was followed up (跟踪方式): 拜访, 电话, 考察, 市领导拜访, 洽谈会."""

    VISIT = "visit"
    CALL = "call"
    INSPECTION = "inspection"
    LEADER_VISIT = "leader_visit"
    MEETING = "meeting"


class SiteRole(StrEnum):
    """Why a site stands on a project (ProjectSite.role): shortlisted for it, or supplied to it."""

    SHORTLIST = "shortlist"
    SUPPLIED = "supplied"


class DuplicateStatus(StrEnum):
    """Where a pair of possibly duplicate projects stands (ProjectDuplicate.status): still open,
    found distinct, or merged into one."""

    OPEN = "open"
    DISTINCT = "distinct"
    MERGED = "merged"


class AttachmentKind(StrEnum):
    """What a file attached to a parcel or factory is: a photo taken on site, or a document (a PDF,
    perhaps a certificate, for signed-in readers only)."""

    PHOTO = "photo"
    DOCUMENT = "document"


class ReceptorKind(StrEnum):
    """A kind of sensitive receptor (环境敏感目标) a protection distance (卫生防护距离) keeps an
    industry away from: 居住区, 学校, 医院, 村庄, 养老机构."""

    RESIDENTIAL = "residential"
    SCHOOL = "school"
    HOSPITAL = "hospital"
    VILLAGE = "village"
    ELDERLY_CARE = "elderly_care"


class ContextKind(StrEnum):
    """A kind of feature of the map's context layer (context_features), drawn light."""

    COASTLINE = "coastline"
    COUNTY = "county"  # the county's outline
    ROAD = "road"  # rank 1 expressway, 2 national/provincial road, 3 town road
    RIVER = "river"  # rank 1 the Yangtze side's great rivers, 2 canals (河/港), 3 small waterways
