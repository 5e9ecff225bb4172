/* Static explorers: an explorer's frames, pre-rendered when the site was built (book/explorers_static.py),
   played with a slider and a Play/Pause button. Plain JavaScript, no kernel, no network.

   Keyboard: Tab reaches the Play button and the slider; on the slider the arrow keys move one frame,
   Page Up / Page Down five, Home / End to the first / last; Space or Enter on the button plays or pauses.
   Every frame is decoded when the page loads and all of them are laid out in one grid cell, so showing a
   frame is a change of one class (visibility), done in the key's own event handler: the new frame is on
   screen at the next display frame. The frame's label is announced (aria-live) when not playing. */
(function () {
  "use strict";

  function setup(root) {
    var imgs = Array.prototype.slice.call(root.querySelectorAll(".static-explorer-frames > img"));
    var slider = root.querySelector(".static-explorer-slider");
    var button = root.querySelector(".static-explorer-play");
    var label = root.querySelector(".static-explorer-label");
    if (!imgs.length || !slider || !button || !label) return;
    var interval = parseInt(root.getAttribute("data-interval"), 10) || 500;
    var current = Math.max(0, imgs.findIndex(function (i) { return i.classList.contains("shown"); }));
    var timer = null;
    imgs.forEach(function (img) {  // decode every frame now (data-decoded marks those done)
      var done = function () { img.setAttribute("data-decoded", ""); };
      if (img.decode) img.decode().then(done, function () {}); else if (img.complete) done(); else img.addEventListener("load", done);
    });

    function show(k) {
      k = Math.max(0, Math.min(imgs.length - 1, k));
      if (k !== current) {
        imgs[current].classList.remove("shown");
        imgs[k].classList.add("shown");
        current = k;
      }
      root.setAttribute("data-frame", String(k));
      slider.value = String(k);
      var text = imgs[k].getAttribute("data-label");
      slider.setAttribute("aria-valuetext", text);
      label.textContent = text;
    }

    function pause() {
      if (timer !== null) { clearTimeout(timer); timer = null; }
      button.textContent = "Play";
      button.setAttribute("aria-label", "Play the " + imgs.length + " frames");
      label.setAttribute("aria-live", "polite");
    }

    function tick() {
      if (current >= imgs.length - 1) { pause(); return; }
      show(current + 1);
      timer = setTimeout(tick, interval);
    }

    function play() {
      if (current >= imgs.length - 1) show(0);  // from the start again
      button.textContent = "Pause";
      button.setAttribute("aria-label", "Pause");
      label.setAttribute("aria-live", "off");  // no announcement twice a second while it plays
      timer = setTimeout(tick, interval);
    }

    button.addEventListener("click", function () { if (timer === null) play(); else pause(); });
    slider.addEventListener("input", function () { pause(); show(parseInt(slider.value, 10)); });
    slider.addEventListener("keydown", function (event) {
      var steps = {ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 5, PageDown: -5};
      var k = null;
      if (event.key in steps) k = current + steps[event.key];
      else if (event.key === "Home") k = 0;
      else if (event.key === "End") k = imgs.length - 1;
      if (k === null) return;
      event.preventDefault();  // this handler moves the slider, at once
      pause();
      show(k);
    });
    show(current);
    root.classList.add("ready");
  }

  function start() {
    document.querySelectorAll(".static-explorer").forEach(setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
