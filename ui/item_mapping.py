"""Map items no system type matched ("field kitchens") to a system type, for the import wizard. The
import remembers the choices, so the next list with those items needs none."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

LEAVE = "(leave under Other)"


class ItemMappingDialog(QDialog):
    def __init__(self, parent: QWidget | None, items: list[str], types: list[str], chosen: dict[str, str]):
        super().__init__(parent)
        self.setWindowTitle("Map items")
        lay = QVBoxLayout(self)
        intro = QLabel("These items matched no system type by name or alias. Choose the type each belongs to; "
                       "the import remembers it for the next list.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        inner = QWidget()
        form = QFormLayout(inner)
        self.boxes: dict[str, QComboBox] = {}
        for item in items:
            box = QComboBox()
            box.addItem(LEAVE, "")
            for name in types:
                box.addItem(name, name)
            box.setCurrentIndex(max(0, box.findData(chosen.get(item, ""))))
            box.setAccessibleName(f"System type of {item}")
            label = QLabel(item)
            label.setWordWrap(True)
            form.addRow(label, box)
            self.boxes[item] = box
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        lay.addWidget(scroll, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)

    def mapping(self) -> dict[str, str]:
        return {item: box.currentData() for item, box in self.boxes.items() if box.currentData()}
