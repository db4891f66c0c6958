/* Metreleptin knowledge base: small progressive enhancements. No network access. */
(function () {
  "use strict";

  /* 1. Old section links keep working: a renamed heading's old anchor, listed in
        mkdocs.yml (extra.anchor_redirects), is forwarded to its new anchor. */
  var map = document.getElementById("kb-anchor-redirects");
  if (map && location.hash && !document.getElementById(location.hash.slice(1))) {
    var target = JSON.parse(map.textContent)[location.hash];
    if (target) location.replace(target);
  }

  /* 2. Material adds a <nav> of buttons to each code block without a name, so a page with
        two code blocks has two unnamed navigation landmarks (axe: landmark-unique).
        Name each after its block's title. */
  function nameCodeNavs() {
    document.querySelectorAll(".md-code__nav:not([aria-label])").forEach(function (nav, i) {
      var block = nav.closest(".highlight");
      var title = block && block.querySelector(".filename");
      nav.setAttribute("aria-label", (title ? title.textContent : "Code block " + (i + 1)) + " actions");
    });
  }
  var observer = new MutationObserver(nameCodeNavs);
  document.querySelectorAll(".highlight").forEach(function (block) {
    observer.observe(block, { childList: true, subtree: true });  // only code blocks, not the page
  });
  nameCodeNavs();

  /* 3. The references page can be filtered by evidence type. */
  var filter = document.querySelector(".kb-filter");
  if (!filter) return;
  filter.hidden = false;
  var boxes = filter.querySelectorAll("input[type=checkbox]");
  var status = filter.querySelector(".kb-filter__status");
  function apply() {
    var shown = {};
    boxes.forEach(function (box) { shown[box.value] = box.checked; });
    var count = 0;
    document.querySelectorAll("li.kb-reference").forEach(function (item) {
      item.hidden = !shown[item.dataset.evidence];
      if (!item.hidden) count += 1;
    });
    status.textContent = count + " references shown";
  }
  boxes.forEach(function (box) { box.addEventListener("change", apply); });
  apply();
})();
