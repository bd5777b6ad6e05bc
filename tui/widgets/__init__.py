"""The reader's widgets: paper list, detail pane, filter pane and search bar."""

from tui.widgets.filter_pane import FilterPane
from tui.widgets.paper_detail import PaperDetail
from tui.widgets.paper_list import PaperList
from tui.widgets.search_bar import SearchBar, SearchInput

__all__ = ["FilterPane", "PaperDetail", "PaperList", "SearchBar", "SearchInput"]
