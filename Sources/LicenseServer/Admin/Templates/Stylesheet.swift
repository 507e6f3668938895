extension AdminAssets {
    /// The one stylesheet: plain CSS, readable from 390 px wide phones to desktops, with a visible focus everywhere.
    static let stylesheet = #"""
        :root {
          --ink: #1c2333;
          --muted: #5b6577;
          --line: #d8dde6;
          --bg: #f3f5f8;
          --card: #ffffff;
          --accent: #0b5cad;
          --accent-dark: #084a8c;
          --accent-soft: #e7f0fa;
          --danger: #b3261e;
          --danger-ink: #8c1d18;
          --danger-soft: #fde7e5;
          --warn: #7a4a00;
          --warn-line: #e0a100;
          --warn-soft: #fff3d6;
          --ok: #1e6b34;
          --ok-soft: #e3f4e8;
          --header: #1f2a44;
          --focus: #ffbf47;
        }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body {
          margin: 0;
          font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
          font-size: 0.9375rem;
          line-height: 1.5;
          color: var(--ink);
          background: var(--bg);
        }
        a { color: var(--accent); text-underline-offset: 2px; }
        a:hover { color: var(--accent-dark); }
        :focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
        .site-header :focus-visible, .skip-link:focus-visible { outline-color: var(--focus); }
        h1, h2, h3 { line-height: 1.25; }
        h3 { font-size: 1rem; margin: 1rem 0 0.5rem; }
        code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.85em; }
        .visually-hidden {
          position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
          clip: rect(0 0 0 0); white-space: nowrap; border: 0;
        }
        .skip-link {
          position: absolute; left: 0.5rem; top: -3rem; z-index: 10; padding: 0.5rem 1rem;
          background: var(--focus); color: var(--ink); font-weight: 700; border-radius: 0 0 6px 6px;
        }
        .skip-link:focus { top: 0; }

        /* Header and main navigation */
        .site-header { background: var(--header); color: #fff; }
        .header-inner {
          max-width: 1400px; margin: 0 auto; padding: 0.5rem 1.25rem;
          display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1.5rem;
        }
        .brand-block { display: flex; flex-direction: column; line-height: 1.2; }
        .brand { color: #fff; font-weight: 700; font-size: 1.1rem; text-decoration: none; }
        .brand:hover { color: #fff; text-decoration: underline; }
        .company { color: #c9d3e6; font-size: 0.8125rem; }
        .main-nav ul { display: flex; flex-wrap: wrap; gap: 0.25rem; list-style: none; margin: 0; padding: 0; }
        .main-nav a {
          display: block; padding: 0.45rem 0.8rem; border-radius: 6px; color: #e6ebf5;
          text-decoration: none; font-weight: 600;
        }
        .main-nav a:hover { background: rgba(255, 255, 255, 0.12); color: #fff; }
        .main-nav a[aria-current="page"] { background: #fff; color: var(--header); }
        .signout { margin-left: auto; display: flex; align-items: center; gap: 0.75rem; }
        .who { color: #c9d3e6; font-size: 0.875rem; }
        .who strong { color: #fff; }

        /* Page */
        .page { display: block; max-width: 1400px; margin: 0 auto; padding: 1.25rem; }
        .page:focus { outline: none; }
        .page-title { font-size: 1.5rem; margin: 0.25rem 0 1rem; }
        .page-head { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.75rem; }
        .breadcrumb { margin: 0 0 0.25rem; font-size: 0.875rem; }
        .site-footer { max-width: 1400px; margin: 0 auto; padding: 0 1.25rem 1.5rem; color: var(--muted); font-size: 0.8125rem; }
        .muted { color: var(--muted); font-weight: 400; }
        .hint { color: var(--muted); font-size: 0.8125rem; margin: 0; }
        .nowrap { white-space: nowrap; }
        .small-text { font-size: 0.8125rem; }
        .module-name {
          color: var(--muted); font-size: 0.75rem; font-weight: 400; white-space: nowrap;
          font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
        }
        .module-key { margin: -0.25rem 0 0.5rem; color: var(--muted); font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.8125rem; }

        /* Cards */
        .card {
          background: var(--card); border: 1px solid var(--line); border-radius: 8px;
          padding: 1rem 1.25rem; margin: 0 0 1rem;
        }
        .card h2 { font-size: 1.125rem; margin: 0 0 0.5rem; }
        .card-head { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.5rem 1rem; margin-bottom: 0.5rem; }
        .card-head h2 { margin: 0; }
        .narrow { max-width: 44rem; }
        .group-note { margin: -0.25rem 0 0.5rem; font-size: 0.875rem; }

        /* Facts: a grid of one-pair definition lists (a dt/dd pair wrapped in a div inside one dl is valid HTML, but
           older assistive technology and axe-core's dlitem rule expect dt and dd directly in a dl). */
        .facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: 0.5rem 1.25rem; margin: 0.5rem 0; }
        .facts dl { min-width: 0; margin: 0; }
        .facts dt { font-size: 0.8125rem; color: var(--muted); }
        .facts dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
        .facts.stacked { grid-template-columns: 1fr; gap: 0.4rem; }
        .facts.compact { grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr)); }

        /* Tabs */
        /* The line under the tabs is an inset shadow inside the list's box, which the current tab's background covers;
           nothing sticks out below, so a list that scrolls sideways on a narrow screen has no vertical scrollbar. */
        .tabs ul {
          display: flex; gap: 0.25rem; list-style: none; margin: 0 0 1rem; padding: 0 0.25rem;
          box-shadow: inset 0 -2px 0 var(--line); overflow-x: auto; overflow-y: hidden;
        }
        .tabs a {
          display: block; padding: 0.55rem 1.1rem; text-decoration: none; color: var(--muted); font-weight: 600;
          border: 1px solid transparent; border-bottom: 0; border-radius: 6px 6px 0 0; white-space: nowrap;
        }
        .tabs a:hover { color: var(--ink); background: #e9edf3; }
        .tabs a[aria-current="page"] {
          color: var(--ink); background: var(--card); border-color: var(--line);
          box-shadow: inset 0 3px 0 var(--accent);
        }

        /* Buttons */
        .button {
          display: inline-flex; align-items: center; justify-content: center; gap: 0.4rem;
          padding: 0.5rem 1rem; min-height: 2.5rem; border-radius: 6px; border: 1px solid var(--accent);
          background: var(--accent); color: #fff; font: inherit; font-weight: 600; line-height: 1.2;
          text-decoration: none; cursor: pointer;
        }
        .button:hover { background: var(--accent-dark); border-color: var(--accent-dark); color: #fff; }
        .button.secondary { background: #fff; color: var(--accent); }
        .button.secondary:hover { background: var(--accent-soft); color: var(--accent-dark); }
        .button.danger { background: var(--danger); border-color: var(--danger); color: #fff; }
        .button.danger:hover { background: var(--danger-ink); }
        .button.ghost { background: transparent; border-color: rgba(255, 255, 255, 0.6); color: #fff; }
        .button.ghost:hover { background: rgba(255, 255, 255, 0.15); }
        .button.small { padding: 0.3rem 0.7rem; min-height: 2rem; font-size: 0.8125rem; }
        .button:disabled, .button:disabled:hover {
          background: #c9ced8; border-color: #c9ced8; color: #454c59; cursor: not-allowed;
        }
        .actions { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; margin-top: 1rem; }
        form.inline { display: inline; margin: 0; }

        /* Forms */
        .form .field, .field { display: flex; flex-direction: column; gap: 0.25rem; margin-bottom: 0.85rem; }
        label { font-weight: 600; }
        input[type="text"], input[type="email"], input[type="password"], input[type="date"], input[type="time"],
        input[type="file"], select, textarea {
          font: inherit; color: var(--ink); background: #fff; padding: 0.45rem 0.6rem;
          border: 1px solid #8a94a6; border-radius: 6px; max-width: 100%;
        }
        input[type="file"] { padding: 0.35rem; }
        textarea { width: 100%; resize: vertical; }
        fieldset { border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem 1rem 0.75rem; margin: 0 0 1rem; min-width: 0; }
        legend { font-weight: 700; padding: 0 0.35rem; }
        .field-row { display: flex; flex-wrap: wrap; gap: 0 1rem; }
        .check { display: flex; align-items: baseline; gap: 0.25rem 0.5rem; margin: 0.3rem 0; }
        .check label { font-weight: 400; min-width: 0; }
        .check .hint { min-width: 0; }
        .check.locked label { color: var(--muted); }
        input[type="checkbox"], input[type="radio"] { width: 1.1rem; height: 1.1rem; margin: 0; accent-color: var(--accent); flex: none; position: relative; top: 0.15rem; }
        .grid-2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 16rem), 1fr)); gap: 0 1rem; }
        .switches { display: flex; flex-wrap: wrap; gap: 0.5rem 2rem; }
        .filter-form { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 0.5rem 1rem; }
        .filter-form .field { margin: 0; min-width: min(100%, 22rem); }
        .inline-form { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; }
        .form-actions { position: sticky; bottom: 0; background: var(--bg); padding: 0.75rem 0; margin: 0; border-top: 1px solid var(--line); }

        /* Messages */
        .flash { padding: 0.7rem 1rem; border-radius: 6px; margin: 0 0 1rem; border: 1px solid; }
        .flash.success { background: var(--ok-soft); border-color: #9fd3ae; color: var(--ok); }
        .flash.error { background: var(--danger-soft); border-color: #f1a9a3; color: var(--danger-ink); }
        .flash.info { background: var(--accent-soft); border-color: #a9c8ea; color: #0b3d73; }
        .motd { background: #fff8e1; border: 1px solid #f0d58c; border-radius: 6px; padding: 0.6rem 1rem; margin: 0 0 1rem; }
        .warnings { list-style: none; margin: 0.75rem 0 0; padding: 0; }
        .warning {
          background: var(--warn-soft); border: 1px solid #f0d58c; border-left: 4px solid var(--warn-line);
          color: var(--warn); padding: 0.45rem 0.75rem; border-radius: 4px; margin-bottom: 0.35rem;
        }
        .warn-mark {
          display: inline-flex; align-items: center; justify-content: center; width: 1.2rem; height: 1.2rem;
          border-radius: 50%; background: var(--warn-line); color: #fff; font-weight: 800; font-size: 0.8rem;
        }
        .flash.error .warn-mark { background: var(--danger); }

        /* Badges */
        .badge {
          display: inline-block; padding: 0.05rem 0.55rem; border-radius: 999px; font-size: 0.75rem; font-weight: 700;
          border: 1px solid transparent; white-space: nowrap; vertical-align: 1px;
        }
        .badge.fence-nearing { background: var(--warn-soft); color: var(--warn); border-color: var(--warn-line); }
        .badge.fence-reached, .badge.status-failed { background: var(--danger-soft); color: var(--danger-ink); border-color: var(--danger); }
        .badge.ok, .badge.status-active { background: var(--ok-soft); color: var(--ok); border-color: #9fd3ae; }
        .badge.info { background: var(--accent-soft); color: #0b3d73; border-color: #a9c8ea; }
        .badge.plain, .badge.status-finished, .badge.status-ended, .badge.status-cancelled { background: #eef0f4; color: #3d4555; border-color: #c9ced8; }

        /* Tables */
        .table-wrap { overflow-x: auto; }
        table { width: 100%; border-collapse: collapse; }
        caption { text-align: left; font-weight: 700; padding: 0.25rem 0 0.5rem; }
        th, td { padding: 0.5rem 0.75rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
        thead th {
          font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted);
          background: #f7f8fa; border-bottom: 2px solid var(--line); white-space: nowrap;
        }
        tbody th { font-weight: 600; }
        .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        tfoot th, tfoot td { font-weight: 700; border-bottom: 0; border-top: 2px solid var(--line); }
        tr.selected > * { background: var(--accent-soft); }
        tr.selected > :first-child { box-shadow: inset 4px 0 0 var(--accent); }
        tr.fence-nearing > * { background: var(--warn-soft); }
        tr.fence-nearing > :first-child { box-shadow: inset 4px 0 0 var(--warn-line); }
        tr.fence-reached > * { background: var(--danger-soft); }
        tr.fence-reached > :first-child { box-shadow: inset 4px 0 0 var(--danger); }
        tr.must-remove > * { background: var(--danger-soft); color: var(--danger-ink); border-bottom-color: #f1a9a3; }
        tr.must-remove > :first-child { box-shadow: inset 5px 0 0 var(--danger); }
        .warn-icon { vertical-align: -3px; }
        .remove-count { font-weight: 800; color: var(--danger); margin-right: 0.35rem; }
        td.action { white-space: nowrap; }
        .change-up { color: var(--ok); font-weight: 700; }
        .change-down { color: var(--danger); font-weight: 700; }
        tr.charged .amount { color: var(--danger-ink); font-weight: 700; }
        tr.over td { color: var(--danger-ink); }
        .legend-note { font-size: 0.8125rem; line-height: 1.9; }
        table.licenses { table-layout: fixed; min-width: 34rem; }
        table.licenses thead th:nth-child(2), table.licenses thead th:nth-child(3),
        table.licenses thead th:nth-child(4) { width: 6rem; }
        table.licenses thead th:nth-child(5) { width: 12rem; }
        caption.table-note { font-weight: 400; font-size: 0.8125rem; color: var(--muted); }

        /* Licenses screen */
        .split { display: grid; grid-template-columns: minmax(0, 1fr); gap: 0 1rem; align-items: start; }
        .split.has-details { grid-template-columns: minmax(0, 1fr) minmax(18rem, 24rem); }
        .details { position: sticky; top: 1rem; border-top: 4px solid var(--accent); }
        .details:focus, .details:focus-visible { outline: none; }
        .tooltip-text { background: #f7f8fa; border-left: 3px solid var(--line); padding: 0.4rem 0.75rem; margin: 0 0 0.5rem; font-style: italic; }
        .holders, .grants { margin: 0; padding-left: 1.25rem; columns: 2; column-gap: 1.5rem; }
        .holders li, .grants li { break-inside: avoid; }
        .status-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 20rem), 1fr)); gap: 0 1rem; }
        .events-split { grid-template-columns: minmax(0, 1fr) minmax(15rem, 18rem); }
        .event-description { border-left: 1px solid var(--line); padding-left: 1rem; }
        .event-description:focus, .event-description:focus-visible { outline: none; }
        .event-description h3 { margin-top: 0; }
        .event-message { white-space: pre-wrap; background: #f7f8fa; padding: 0.5rem 0.75rem; border-radius: 4px; }
        table.events td, table.events th { font-size: 0.8125rem; padding: 0.45rem 0.5rem; }
        table.events thead th { font-size: 0.6875rem; }

        /* Users */
        .owner-columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 18rem), 1fr)); gap: 0 1.5rem; }
        .tree, .tree ul { list-style: none; margin: 0; padding: 0; }
        .tree ul { margin-left: 0.55rem; padding-left: 1.1rem; border-left: 2px solid var(--line); }

        /* Dialog */
        dialog.dialog {
          border: 0; border-radius: 10px; padding: 1.25rem 1.5rem; width: min(36rem, 94vw);
          box-shadow: 0 20px 50px rgba(15, 23, 42, 0.35); color: var(--ink);
        }
        dialog.dialog::backdrop { background: rgba(15, 23, 42, 0.55); }
        .remove-form h2 { font-size: 1.2rem; margin-top: 0; }

        /* Consumption */
        .services { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 34rem), 1fr)); gap: 0 1rem; }
        .chart { margin: 0.5rem 0 0; }
        .usage-chart { display: block; width: 100%; height: auto; }
        .usage-chart .month.running .axis { font-weight: 700; }
        .legend { font-size: 0.8125rem; color: var(--muted); display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem 0.4rem; }
        .key { display: inline-block; width: 0.9rem; height: 0.9rem; border-radius: 2px; margin-left: 0.5rem; }
        .key-usage { background: #3b73b9; }
        .key-over { background: #c62828; }
        .key-allowance { width: 1.4rem; height: 0; border-top: 3px dashed #e08e0b; border-radius: 0; }
        .key-running { border: 1.5px dashed var(--header); background: transparent; }
        meter, progress { width: 100%; height: 1.1rem; }
        .running p { margin: 0 0 0.25rem; }
        .figures summary { cursor: pointer; color: var(--accent); font-weight: 600; margin-top: 0.5rem; }
        .month-card p { margin-top: 0; }

        /* Sign-in and errors */
        .login-wrap { display: flex; justify-content: center; padding-top: 2rem; }
        .card.login { width: min(26rem, 100%); }
        .card.login h1 { margin-top: 0; font-size: 1.4rem; }
        .card.login input { width: 100%; }
        .error-page { margin: 2rem auto; }
        .error-page h1 { margin-top: 0; }
        .status-code { margin: 0; color: var(--muted); font-weight: 700; text-transform: uppercase; letter-spacing: 0.05em; font-size: 0.8125rem; }
        .pager { display: flex; flex-wrap: wrap; gap: 0.5rem; margin-top: 1rem; }

        /* Narrow screens */
        @media (max-width: 960px) {
          .split.has-details, .events-split { grid-template-columns: minmax(0, 1fr); }
          .details { position: static; }
          .event-description { border-left: 0; border-top: 1px solid var(--line); padding: 1rem 0 0; }
        }
        @media (max-width: 640px) {
          body { font-size: 0.9375rem; }
          .header-inner { padding: 0.5rem 0.75rem; gap: 0.4rem 1rem; }
          .signout { margin-left: 0; width: 100%; justify-content: space-between; }
          .main-nav a { padding: 0.4rem 0.6rem; }
          .page { padding: 0.75rem; }
          .page-title { font-size: 1.3rem; }
          .card { padding: 0.85rem 0.9rem; }
          th, td { padding: 0.4rem 0.5rem; }
          .facts { grid-template-columns: 1fr 1fr; gap: 0.5rem 1rem; }
          .holders, .grants { columns: 1; }
          td.action { white-space: normal; }
        }
        @media (prefers-reduced-motion: reduce) { * { scroll-behavior: auto !important; } }
        """#
}
