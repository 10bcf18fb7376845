"""What an import tells the user: counts, and every bad row as `第N行 列名: 问题`."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RowError:
    """One problem in one cell. `row` is the spreadsheet row the user sees (header = 1);
    0 means the file as a whole (unreadable, wrong format)."""

    row: int
    column: str
    problem: str

    def __str__(self) -> str:
        if self.row <= 0:
            return f"{self.column or '文件'}: {self.problem}"
        return f"第{self.row}行 {self.column}: {self.problem}"


@dataclass
class ImportResult:
    kind: str
    filename: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def summary(self) -> str:
        """One Chinese sentence for the CLI and the web page."""
        if not self.ok:
            return f"{self.filename}：发现 {len(self.errors)} 处问题，未写入任何数据。"
        verb = "检查通过（试导入，未写入）" if self.dry_run else "导入完成"
        return (
            f"{self.filename}：{verb}，共 {self.rows} 行；"
            f"新增 {self.created}，更新 {self.updated}，未变 {self.unchanged}。"
        )


class ImportAborted(Exception):
    """Raised inside the write transaction to roll it back with these errors."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors[:3]))
        self.errors = errors
