/// The console's one HTML page: a frame the script fills (`ConsoleScript`). Every page of
/// the console is a fragment of this one (`#/overview`, `#/audit`, …), so a reload or a
/// bookmark lands where it was.
enum ConsolePage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Switchboard console</title>
<link rel="stylesheet" href="/console/app.css">
<link rel="icon" href="data:,">
<script src="/console/app.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header id="top" hidden>
  <span class="brand">Switchboard</span>
  <nav aria-label="Console pages" id="nav"></nav>
  <span class="who" id="who"></span>
  <button type="button" id="sign-out" class="quiet">Sign out</button>
</header>
<main id="main" tabindex="-1">
  <noscript>The console needs JavaScript. The same information is on the admin API (/admin/v1/openapi.json).</noscript>
</main>
<footer id="foot" hidden>Keys: <kbd>1</kbd>–<kbd>6</kbd> switch pages, <kbd>/</kbd> goes to the page's first field, <kbd>r</kbd> refreshes.</footer>
</body>
</html>
"""#
}
