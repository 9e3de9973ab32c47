(function () {
  "use strict";
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  if (!slides.length) return;
  document.documentElement.classList.add("js");
  var current = -1;

  // Shrink a result that overflows its box. Sizes are in em of the slide, so the
  // factor found on screen also holds on a printed page.
  function fit(slide) {
    var box = slide.querySelector(".fit");
    if (!box) return;
    var scale = 1;
    box.style.setProperty("--fit", "1");
    while (scale > 0.5 && (box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1)) {
      scale -= 0.05;
      box.style.setProperty("--fit", scale.toFixed(2));
    }
  }

  function fromHash() {
    var n = parseInt(location.hash.slice(1), 10);
    return isNaN(n) ? 0 : n;
  }

  function show(n, focus) {
    n = Math.max(0, Math.min(slides.length - 1, n));
    if (n !== current) {
      if (current >= 0) slides[current].classList.remove("current");
      slides[n].classList.add("current");
      current = n;
    }
    if (location.hash !== "#" + n) location.replace("#" + n);
    if (focus) slides[n].focus({ preventScroll: true });
  }

  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var to = null;
    switch (e.key) {
      case "ArrowRight": case "ArrowDown": case "PageDown": to = current + 1; break;
      case " ": to = e.shiftKey ? current - 1 : current + 1; break;
      case "ArrowLeft": case "ArrowUp": case "PageUp": to = current - 1; break;
      case "Home": to = 0; break;
      case "End": to = slides.length - 1; break;
    }
    if (to === null) return;
    e.preventDefault();
    show(to, true);
  });
  window.addEventListener("hashchange", function () { show(fromHash(), true); });

  slides.forEach(function (s) {
    s.classList.add("current");
    fit(s);
    s.classList.remove("current");
  });
  show(fromHash(), false);
})();
