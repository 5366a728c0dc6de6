
(function () {
  "use strict";
  var form = document.getElementById("filters");
  function checked(name) {
    var set = {};
    form.querySelectorAll("input[name=" + name + "]").forEach(function (i) {
      if (i.checked) set[i.value] = true;
    });
    return set;
  }
  function anyRule(el, rules) {
    return (el.getAttribute("data-rules") || "").split(" ").some(function (r) { return rules[r]; });
  }
  function fromHash() {
    var h = decodeURIComponent(location.hash.replace(/^#/, ""));
    h.split("&").forEach(function (part) {
      var kv = part.split("=");
      if (kv.length !== 2 || (kv[0] !== "conf" && kv[0] !== "rule")) return;
      var want = {};
      kv[1].split(",").forEach(function (v) { want[v] = true; });
      form.querySelectorAll("input[name=" + kv[0] + "]").forEach(function (i) {
        i.checked = !!want[i.value];
      });
    });
  }
  function update() {
    var rules = checked("rule"), confs = checked("conf");
    form.querySelectorAll("input").forEach(function (i) {
      i.parentNode.toggleAttribute("data-off", !i.checked);
    });
    var edits = 0, findings = 0, files = 0;
    document.querySelectorAll("section.file").forEach(function (sec) {
      var any = sec.classList.contains("error");
      sec.querySelectorAll(".hunk").forEach(function (h) {
        var n = 0;
        h.querySelectorAll("li.edit").forEach(function (li) {
          var on = anyRule(li, rules) && confs[li.getAttribute("data-conf")];
          li.hidden = !on;
          if (on) n += +li.getAttribute("data-count");
        });
        h.hidden = n === 0;
        edits += n;
        if (n) any = true;
      });
      sec.querySelectorAll("li.finding").forEach(function (li) {
        var on = anyRule(li, rules);
        li.hidden = !on;
        if (on) { findings += +li.getAttribute("data-count"); any = true; }
      });
      sec.querySelectorAll("tbody.change").forEach(function (tb) {
        var on = tb.getAttribute("data-edits").split(" ").some(function (t) {
          var p = t.split(":");
          return rules[p[0]] && confs[p[1]];
        });
        tb.toggleAttribute("data-dim", !on);
      });
      if (sec.hasAttribute("data-encoding") && rules["encoding"]) any = true;
      sec.hidden = !any;
      if (any && !sec.classList.contains("corpus")) files++;
    });
    document.getElementById("shown-edits").textContent = edits;
    document.getElementById("shown-findings").textContent = findings;
    document.getElementById("shown-files").textContent = files;
    document.body.setAttribute("data-ready", "1");
  }
  document.getElementById("all").addEventListener("click", function () {
    form.querySelectorAll("input").forEach(function (i) { i.checked = true; });
    update();
  });
  form.addEventListener("change", update);
  window.addEventListener("hashchange", function () { fromHash(); update(); });
  fromHash();
  update();
})();
