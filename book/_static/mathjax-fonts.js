/* MathJax 2 configuration code (run as a text/x-mathjax-config block on every page and deck).

   HTML-CSS output with the STIX-Web web fonts loads a font when it first meets one of its
   characters: it stops typesetting, loads the font's data file, restarts, loads the web font,
   waits for it and restarts again, one font after the other (about 20 on a notebook page). This
   loads the data files and the web fonts the course's math uses all at once, when the output
   jax starts, before any math is laid out. A font not listed here still loads on demand. */
MathJax.Hub.Register.StartupHook("HTML-CSS Jax Ready", function () {
  var HTMLCSS = MathJax.OutputJax["HTML-CSS"];
  var FONTS = HTMLCSS.FONTDATA && HTMLCSS.FONTDATA.FONTS;
  if (!FONTS || !HTMLCSS.allowWebFonts || HTMLCSS.fontInUse !== "STIX-Web") { return; }
  var names = ["Main", "Main-italic", "Main-bold", "Main-bold-italic", "Normal-italic", "Normal-bold",
               "Normal-bold-italic", "Alphabets", "Arrows", "DoubleStruck", "Latin", "Marks", "Monospace",
               "Operators", "SansSerif", "Size1", "Size2", "Size3", "Size5", "Symbols", "Variants",
               "Variants-italic"]
    .map(function (n) { return "STIXMathJax_" + n; })
    .filter(function (n) { return n in FONTS; });
  // the operator tables and the TeX extension the notebooks' math needs, also loaded on demand
  var files = ["[MathJax]/jax/element/mml/optable/BasicLatin.js",
               "[MathJax]/jax/element/mml/optable/GeneralPunctuation.js",
               "[MathJax]/extensions/TeX/boldsymbol.js"];
  if (HTMLCSS.config.linebreaks && HTMLCSS.config.linebreaks.automatic) {  // the slides break lines
    files.push(HTMLCSS.autoloadDir + "/multiline.js");
  }
  names.forEach(function (n) {
    if (typeof FONTS[n] === "string") { files.push(HTMLCSS.fontDir + "/" + FONTS[n]); }
  });
  // start every request now, then wait for all of them
  var loading = files.map(function (file) { return MathJax.Ajax.Require(file); });
  var queue = MathJax.Callback.Queue();
  loading.forEach(function (done) { queue.Push(function () { return done; }); });
  queue.Push(function () {
    // what HTML-CSS's own loadWebFont does when it first needs the font, minus the restart
    var waiting = [];
    names.forEach(function (n) {
      var font = FONTS[n];
      if (typeof font !== "object" || font.available) { return; }
      font.name = n;
      font.available = font.isWebFont = true;
      if (HTMLCSS.FontFaceBug) { font.family = n + (HTMLCSS.msieFontCSSBug ? "-Web" : ""); }
      waiting.push(HTMLCSS.Font.loadWebFont(font));
    });
    var fonts = MathJax.Callback.Queue();
    waiting.forEach(function (done) { fonts.Push(function () { return done; }); });
    return fonts.Push({});
  });
  return queue.Push({});  // typesetting waits for this
});
