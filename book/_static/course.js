/* Small additions to sphinx-book-theme for the course pages. */
document.addEventListener("DOMContentLoaded", function () {
  // the left sidebar (site title and the table of contents) is a landmark, so that screen-reader
  // users can jump to it and all of the page's content sits in one (axe-core's "region" rule)
  var sidebar = document.getElementById("pst-primary-sidebar");
  if (sidebar && !sidebar.hasAttribute("role")) {
    sidebar.setAttribute("role", "complementary");
    sidebar.setAttribute("aria-label", "Site navigation");
  }
  // An inline formula wider than its line (MathJax 3 does not break lines) becomes a line of its
  // own that scrolls sideways, like a wide display formula; checked again when the window changes.
  function fitWideInlineMath() {
    document.querySelectorAll(".bd-article mjx-container:not([display='true'])").forEach(function (math) {
      var holder = math.parentElement;
      holder.classList.remove("math-too-wide");
      var line = holder.parentElement.getBoundingClientRect();
      var drawn = math.querySelector("mjx-math") || math;
      if (drawn.getBoundingClientRect().width > line.width) { holder.classList.add("math-too-wide"); }
    });
  }
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    MathJax.startup.promise.then(function () {
      fitWideInlineMath();
      var timer = null;
      window.addEventListener("resize", function () { clearTimeout(timer); timer = setTimeout(fitWideInlineMath, 150); });
    });
  }
});
