extension AdminTemplates {
    static let activationUpload = #"""
        <p class="breadcrumb"><a href="/admin/licenses">← Licenses</a></p>
        <h1 class="page-title">Load license from file</h1>
        <section class="card narrow" aria-labelledby="upload-heading">
          <h2 id="upload-heading">Choose the license file</h2>
          <p>Pick the license file you received from your vendor or partner. Nothing changes until you have reviewed the new license and pressed <strong>Activate</strong>.</p>
          {{#error}}<div class="flash error" role="alert" id="upload-error">{{.}}</div>{{/error}}
          {{#pendingFileName}}<p class="flash info">The license <strong>{{.}}</strong> is loaded and waiting. <a href="/admin/activation/preview">Continue with it</a>, or load another file.</p>{{/pendingFileName}}
          <form method="post" action="/admin/activation/upload" enctype="multipart/form-data" class="form">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <div class="field">
              <label for="package-file">License file</label>
              <input type="file" id="package-file" name="package" required accept=".license,.jws,.txt">
            </div>
            <div class="actions"><button type="submit" class="button" id="load-license">Load license from file</button></div>
          </form>
        </section>
        """#

    static let activationPreview = #"""
        <p class="breadcrumb"><a href="/admin/licenses">← Licenses</a></p>
        <h1 class="page-title">Review the new license</h1>
        <section class="card" aria-labelledby="preview-heading">
          <h2 id="preview-heading">{{owner}}: what the new license changes</h2>
          <div class="facts">
            <dl><dt>Owner</dt><dd>{{owner}}</dd></dl>
            <dl><dt>File</dt><dd>{{fileName}}</dd></dl>
            <dl><dt>Issued</dt><dd>{{issuedAt}}</dd></dl>
            <dl><dt>Replaces the license issued</dt><dd>{{previousIssuedAt}}</dd></dl>
          </div>
          {{^canActivate}}<div class="flash error" role="alert" id="blocking-summary"><span class="warn-mark" aria-hidden="true">!</span> {{blockingText}} Remove the superfluous licenses marked in red; then you can activate.</div>{{/canActivate}}
          {{#canActivate}}<div class="flash success" role="status" id="ready-summary">Every license fits what is in use. Press Activate to put the new license into effect.</div>{{/canActivate}}
          <div class="table-wrap" role="region" aria-labelledby="preview-caption" tabindex="0">
            <table class="preview" id="preview-table">
              <caption id="preview-caption">Changes per license</caption>
              <thead>
                <tr>
                  <th scope="col">License</th>
                  <th scope="col">Type</th>
                  <th scope="col" class="num">Current total</th>
                  <th scope="col" class="num">In use</th>
                  <th scope="col" class="num">New total</th>
                  <th scope="col" class="num">Added</th>
                  <th scope="col" class="num">New free</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {{#rows}}
                <tr class="{{#blocking}}must-remove{{/blocking}}" data-module="{{name}}">
                  <th scope="row">{{#blocking}}<svg class="warn-icon" viewBox="0 0 24 24" width="18" height="18" role="img" aria-label="Warning"><path d="M12 2 1 21h22L12 2zm1 16h-2v-2h2v2zm0-4h-2V9h2v5z" fill="#b3261e"/></svg> {{/blocking}}{{label}} <span class="module-name">{{name}}</span></th>
                  <td>{{type}}</td>
                  <td class="num">{{currentTotal}}</td>
                  <td class="num">{{inUse}}</td>
                  <td class="num new-total">{{newTotal}}</td>
                  <td class="num change-{{addedClass}}">{{added}}</td>
                  <td class="num">{{newFree}}</td>
                  <td class="action">{{#blocking}}<span class="remove-count">Remove {{mustRemove}}</span> <a class="button danger small" href="{{removeHref}}" data-dialog="{{dialogID}}">Remove superfluous licenses…</a>{{/blocking}}</td>
                </tr>
                {{/rows}}
              </tbody>
            </table>
          </div>
          <div class="actions">
            <form method="post" action="/admin/activation/activate" class="inline">
              <input type="hidden" name="csrf" value="{{csrf}}">
              <button type="submit" class="button" id="activate"{{^canActivate}} disabled aria-describedby="blocking-summary"{{/canActivate}}>Activate</button>
            </form>
            <form method="post" action="/admin/activation/cancel" class="inline">
              <input type="hidden" name="csrf" value="{{csrf}}">
              <button type="submit" class="button secondary">Cancel</button>
            </form>
          </div>
        </section>
        {{#dialogs}}
        <dialog id="{{id}}" class="dialog" aria-labelledby="{{titleID}}">
          {{> remove-form}}
        </dialog>
        {{/dialogs}}
        """#

    /// The "Remove superfluous licenses" form, in a dialog on the preview or on a page of its own without script.
    static let removeForm = #"""
        <form method="post" action="/admin/activation/remove" class="form remove-form">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <input type="hidden" name="module" value="{{moduleKey}}">
          <h2 id="{{titleID}}">{{title}}</h2>
          <p>The new license allows <strong>{{newTotal}}</strong>, but <strong>{{inUse}}</strong> are in use. Choose at least <strong>{{mustRemove}}</strong> to remove it from.</p>
          <fieldset class="holders-choice">
            <legend>{{#isSatellite}}Satellites{{/isSatellite}}{{^isSatellite}}Users{{/isSatellite}} holding {{moduleLabel}}</legend>
            {{#holders}}
            <div class="check">
              <input type="checkbox" id="{{id}}" name="holder" value="{{value}}">
              <label for="{{id}}">{{label}}</label> <span class="hint">({{note}})</span>
            </div>
            {{/holders}}
          </fieldset>
          {{^isSatellite}}
          <div class="check">
            <input type="checkbox" id="{{id}}-cascade" name="cascade" value="on">
            <label for="{{id}}-cascade">Also remove what needs it: a user's licenses whose prerequisite goes with it</label>
          </div>
          {{/isSatellite}}
          <div class="actions">
            <button type="submit" class="button danger">Remove from the selected</button>
            {{#inDialog}}<button type="submit" class="button secondary" formmethod="dialog" formnovalidate>Cancel</button>{{/inDialog}}
            {{^inDialog}}<a class="button secondary" href="/admin/activation/preview">Cancel</a>{{/inDialog}}
          </div>
        </form>
        """#

    static let activationRemove = #"""
        <p class="breadcrumb"><a href="/admin/activation/preview">← Review the new license</a></p>
        <section class="card narrow">
          {{> remove-form}}
        </section>
        """#

    static let activationDone = #"""
        <h1 class="page-title">New license activated</h1>
        <section class="card" aria-labelledby="done-heading">
          <h2 id="done-heading" class="visually-hidden">What changed</h2>
          <div class="flash success" role="status">The new license of <strong>{{owner}}</strong>, issued {{issuedAt}}, is active. It replaces the license issued {{previousIssuedAt}}.</div>
          {{#hasChanges}}
          <div class="table-wrap" role="region" aria-labelledby="changes-caption" tabindex="0">
            <table class="changes" id="changes-table">
              <caption id="changes-caption">What changed</caption>
              <thead><tr><th scope="col">License</th><th scope="col" class="num">Before</th><th scope="col" class="num">After</th><th scope="col">Change</th><th scope="col" class="num">In use</th><th scope="col" class="num">Free now</th></tr></thead>
              <tbody>
                {{#changes}}<tr data-module="{{name}}"><th scope="row">{{label}} <span class="module-name">{{name}}</span></th><td class="num">{{before}}</td><td class="num">{{after}}</td><td class="change-{{changeClass}}">{{change}}</td><td class="num">{{inUse}}</td><td class="num">{{free}}</td></tr>{{/changes}}
              </tbody>
            </table>
          </div>
          {{/hasChanges}}
          {{^hasChanges}}<p>No license count changed; the new license renews the dates and signatures.</p>{{/hasChanges}}
          {{#unchangedText}}<p class="muted" id="unchanged-note">{{.}}</p>{{/unchangedText}}
          <div class="actions"><a class="button" href="{{ownerHref}}">Show the licenses of {{owner}}</a></div>
        </section>
        """#
}
