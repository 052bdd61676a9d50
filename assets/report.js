// The scan-audit HTML report's only script: a filter box above the long tables. It reads the
// page, never the network, and writes text only through textContent and classList.
(function () {
  "use strict";
  var boxes = document.querySelectorAll("input.filter[data-table]");
  Array.prototype.forEach.call(boxes, function (box) {
    var table = document.getElementById(box.getAttribute("data-table"));
    if (!table) return;
    var rows = table.querySelectorAll("tbody tr");
    box.addEventListener("input", function () {
      var needle = box.value.toLowerCase();
      Array.prototype.forEach.call(rows, function (row) {
        var text = row.cells.length ? row.cells[0].textContent.toLowerCase() : "";
        row.classList.toggle("hidden", needle !== "" && text.indexOf(needle) < 0);
      });
    });
    box.hidden = false;
  });
})();
