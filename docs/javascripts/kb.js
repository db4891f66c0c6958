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

  /* 3. Citation tooltips. Hovering or focusing a citation marker shows its full reference in
        Material's tooltip: the same markup and styles as Material's content.footnote.tooltips.
        That feature mounts a script component for every marker as the page loads (120-180 per
        topic page: about 0.25 s of blocking main-thread time on a mid-range phone). These few
        listeners build one tooltip, only for the marker the reader points at or tabs to.
        Escape closes it (WCAG 1.4.13); pointer and focus may move into it to follow a link. */
  var tip = null, host = null, hideTimer = 0;
  function markerOf(node) {
    return node instanceof Element ? node.closest("a.footnote-ref") : null;
  }
  function within(node) {
    return node instanceof Node && tip !== null && (host.contains(node) || tip.contains(node));
  }
  function place() {
    var rect = host.getBoundingClientRect();
    var above = rect.top >= window.innerHeight / 2;  // where there is more room, as Material does
    tip.style.setProperty("--md-tooltip-host-x", rect.left + window.scrollX + "px");
    tip.style.setProperty("--md-tooltip-host-y", rect.top + window.scrollY + "px");
    tip.style.setProperty("--md-tooltip-x", rect.width / 2 + "px");
    tip.style.setProperty("--md-tooltip-y", (above ? -16 - tip.offsetHeight : 16 + rect.height) + "px");
    tip.classList.toggle("md-tooltip2--top", above);
    tip.classList.toggle("md-tooltip2--bottom", !above);
  }
  function hide(now) {
    clearTimeout(hideTimer);
    if (!tip) return;
    var old = tip;
    host.removeAttribute("aria-controls");
    host.removeAttribute("aria-haspopup");
    tip = host = null;
    old.classList.remove("md-tooltip2--active");
    if (now === true) old.remove();
    else setTimeout(function () { old.remove(); }, 250);  // after Material's fade-out
  }
  function hideSoon() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 250);  // time to move the pointer into the tooltip
  }
  function show(marker) {
    clearTimeout(hideTimer);
    if (marker === host) return;
    var note = document.getElementById(decodeURIComponent(marker.hash.slice(1)));
    if (!note) return;
    hide(true);
    host = marker;
    tip = document.createElement("div");
    tip.className = "md-tooltip2";
    tip.id = "kb-citation-tooltip";
    tip.setAttribute("role", "dialog");
    tip.setAttribute("aria-label", "Reference " + marker.textContent);
    var inner = document.createElement("div");
    inner.className = "md-tooltip2__inner md-typeset";
    Array.prototype.forEach.call(note.children, function (child) {
      inner.appendChild(child.cloneNode(true));
    });
    inner.querySelectorAll(".footnote-backref").forEach(function (link) { link.remove(); });
    inner.querySelectorAll("[id]").forEach(function (node) { node.removeAttribute("id"); });
    tip.appendChild(inner);
    document.body.appendChild(tip);
    place();
    marker.setAttribute("aria-controls", tip.id);
    marker.setAttribute("aria-haspopup", "dialog");
    var shown = tip;
    requestAnimationFrame(function () { shown.classList.add("md-tooltip2--active"); });
  }
  document.addEventListener("pointerover", function (event) {
    var marker = markerOf(event.target);
    if (marker) show(marker);
    else if (within(event.target)) clearTimeout(hideTimer);
  });
  document.addEventListener("pointerout", function (event) {
    if (within(event.target) && !within(event.relatedTarget)) hideSoon();
  });
  document.addEventListener("focusin", function (event) {
    var marker = markerOf(event.target);
    if (marker) show(marker);
    else if (tip && !within(event.target)) hide();
  });
  document.addEventListener("focusout", function (event) {
    if (within(event.target) && !within(event.relatedTarget) && !host.matches(":hover")) hide();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && tip) hide();
  });
  window.addEventListener("resize", function () { if (tip) place(); });
  document.addEventListener("scroll", function () { if (tip) place(); }, { capture: true, passive: true });

  /* 4. Fast search for hyphenated words. While "half-life" is typed, Material sends lunr the
        query "half-*" after the hyphen; lunr's query lexer always splits at "-" (it keeps its own
        default separator whatever `separator` mkdocs.yml sets), so the lone "*" becomes a wildcard
        that matches every word in the index: about 0.5 s of worker time on a 2-core machine, which
        delays the results of the next keystrokes too. Material starts a query on keyup; skip the
        keyup that ends in a hyphen, so the results for "half" stay until the next character. */
  document.addEventListener("keyup", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.classList.contains("md-search__input") &&
        /-$/.test(input.value)) {
      event.stopImmediatePropagation();  // capture phase: Material's listener on the input never sees it
    }
  }, true);

  /* 5. The references page can be filtered by evidence type. */
  var filter = document.querySelector(".kb-filter");
  if (!filter) return;
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
    var text = count + " references shown";
    if (status.textContent !== text) status.textContent = text;  // no announcement on load
  }
  boxes.forEach(function (box) { box.addEventListener("change", apply); });
  apply();
})();

(function () {
  "use strict";
  /* 6. In an archived release, the banner's link to the current page goes to the section being
        read when the current page still has it (/v/current-anchors.json, written with the site). */
  var link = document.querySelector("a[data-kb-current-anchors]");
  if (!link || !window.fetch) return;
  var base = link.getAttribute("href").split("#")[0];
  var key = link.getAttribute("data-kb-page");
  fetch(link.getAttribute("data-kb-current-anchors")).then(function (response) {
    return response.ok ? response.json() : {};
  }).then(function (anchors) {
    function update() {
      var hash = location.hash.slice(1);
      var known = anchors[key] || [];
      link.setAttribute("href", hash && known.indexOf(hash) >= 0 ? base + "#" + hash : base);
    }
    update();
    window.addEventListener("hashchange", update);
  }).catch(function () {});
})();
