extension AdminTemplates {
    /// An owner's tab: owner information, warnings, the license list by type, and a license's details beside it.
    static let owner = #"""
        <h1 class="page-title">Licenses</h1>
        {{> tabs}}
        <section class="card owner-info" aria-labelledby="owner-heading">
          <div class="card-head">
            <h2 id="owner-heading">{{ownerName}}{{#ownerDescription}} <span class="muted">– {{.}}</span>{{/ownerDescription}}</h2>
            <a class="button" href="/admin/activation">Load license from file</a>
          </div>
          <div class="facts">
            <dl><dt>Company</dt><dd id="company-name">{{companyName}}</dd></dl>
            <dl><dt>Serial number</dt><dd id="serial-number">{{serialNumber}}</dd></dl>
            {{#expiresAt}}<dl><dt>Expires</dt><dd>{{.}}{{#isExpired}} <span class="badge fence-reached">Expired</span>{{/isExpired}}</dd></dl>{{/expiresAt}}
            {{^expiresAt}}<dl><dt>Expires</dt><dd>Not time-limited</dd></dl>{{/expiresAt}}
            {{#graceUntil}}<dl><dt>Grace period until</dt><dd>{{.}}</dd></dl>{{/graceUntil}}
            {{#maintenanceUntil}}<dl><dt>Maintenance until</dt><dd>{{.}}</dd></dl>{{/maintenanceUntil}}
            <dl><dt>Issued</dt><dd>{{issuedAt}}</dd></dl>
            {{#nextCheckAt}}<dl><dt>Next update check</dt><dd>{{.}}</dd></dl>{{/nextCheckAt}}
          </div>
          {{#hasWarnings}}
          <ul class="warnings">
            {{#warnings}}<li class="warning"><span class="warn-mark" aria-hidden="true">!</span> {{.}}</li>{{/warnings}}
          </ul>
          {{/hasWarnings}}
        </section>
        <div class="split{{#details}} has-details{{/details}}">
          <div class="license-list">
            {{#groups}}
            <section class="card license-group" id="group-{{id}}" aria-labelledby="group-{{id}}-heading">
              <h2 id="group-{{id}}-heading">{{title}}</h2>
              <p class="muted group-note">{{note}}</p>
              <div class="table-wrap" role="region" aria-labelledby="group-{{id}}-heading" tabindex="0">
                <table class="licenses">
                  <thead>
                    <tr>
                      <th scope="col">License</th>
                      <th scope="col" class="num">Total</th>
                      <th scope="col" class="num">In use</th>
                      <th scope="col" class="num">Available</th>
                      <th scope="col">Notes</th>
                    </tr>
                  </thead>
                  <tbody>
                    {{#rows}}
                    <tr class="{{fencingClass}}{{#selected}} selected{{/selected}}" data-module="{{name}}">
                      <th scope="row"><a href="{{href}}"{{#selected}} aria-current="true"{{/selected}}>{{label}}</a> <span class="module-name">{{name}}</span></th>
                      <td class="num total">{{total}}</td>
                      <td class="num in-use">{{inUse}}</td>
                      <td class="num available">{{available}}</td>
                      <td class="notes">{{#fencingText}}<span class="badge {{fencingClass}}">{{.}}</span> {{/fencingText}}{{#isSite}}{{#enabled}}<span class="badge ok">Enabled</span> {{/enabled}}{{^enabled}}<span class="badge plain">Not enabled</span> {{/enabled}}{{/isSite}}{{#hidden}}<span class="badge plain">Hidden</span> {{/hidden}}</td>
                    </tr>
                    {{/rows}}
                  </tbody>
                </table>
              </div>
            </section>
            {{/groups}}
            {{^groups}}<p class="card">This owner has no licenses.</p>{{/groups}}
            <p class="legend-note muted">Fencing: <span class="badge fence-nearing">Nearing maximum</span> at 85&nbsp;% in use or more, <span class="badge fence-reached">Maximum reached</span> at 100&nbsp;%. <span class="badge plain">Hidden</span> licenses are not offered one by one; they come with user plans. Unrestricted licenses have no upper limit: only how many are in use is shown.</p>
          </div>
          {{#details}}
          <aside class="card details" id="details" aria-labelledby="details-title" tabindex="-1" data-autofocus>
            <div class="card-head">
              <h2 id="details-title">{{title}}</h2>
              <a class="button secondary small" href="/admin/licenses/{{ownerName}}">Close</a>
            </div>
            <p class="module-key">{{key}}</p>
            <div class="facts stacked">
              <dl><dt>Description</dt><dd>{{#description}}{{.}}{{/description}}{{^description}}—{{/description}}</dd></dl>
              <dl><dt>Tooltip</dt><dd>{{#tooltip}}{{.}}{{/tooltip}}{{^tooltip}}—{{/tooltip}}</dd></dl>
              <dl><dt>Type</dt><dd>{{type}}{{#hidden}} · hidden{{/hidden}}{{#unrestricted}} · unrestricted{{/unrestricted}}</dd></dl>
              {{#version}}<dl><dt>Version</dt><dd>{{.}}</dd></dl>{{/version}}
              {{#unrestricted}}<dl><dt>In use</dt><dd id="details-seats">{{inUse}} <span class="muted">· unrestricted: no upper limit</span></dd></dl>{{/unrestricted}}
              {{^unrestricted}}<dl><dt>Total / in use / available</dt><dd id="details-seats">{{total}} / {{inUse}} / {{available}}</dd></dl>{{/unrestricted}}
              <dl><dt>Prerequisite</dt><dd>{{#prerequisite}}<a href="{{href}}">{{label}}</a> <span class="module-name">{{note}}</span>{{/prerequisite}}{{^prerequisite}}None{{/prerequisite}}</dd></dl>
              <dl><dt>Allowed user types</dt><dd>{{allowedUserTypes}}</dd></dl>
            </div>
            {{#isPlan}}
            <h3>Licenses this plan grants</h3>
            <ul class="grants">
              {{#grants}}<li><a href="{{href}}">{{label}}</a> <span class="module-name">{{note}}</span></li>{{/grants}}
            </ul>
            {{/isPlan}}
            {{^isSite}}
            <h3>Holders ({{holderCount}})</h3>
            {{#hasHolders}}
            <ul class="holders">
              {{#holders}}<li>{{#href}}<a href="{{.}}">{{label}}</a>{{/href}}{{^href}}{{label}}{{/href}}{{#note}} <span class="muted">{{.}}</span>{{/note}}</li>{{/holders}}
            </ul>
            {{/hasHolders}}
            {{^hasHolders}}<p class="muted">Nobody holds this license.</p>{{/hasHolders}}
            {{/isSite}}
            {{#isSite}}<p class="muted">A system license applies to the whole installation; it is not given to users.</p>{{/isSite}}
          </aside>
          {{/details}}
        </div>
        """#

    /// The Status tab: database, seats, consumption services, system notifications with the selected one's description.
    static let status = #"""
        <h1 class="page-title">Licenses</h1>
        {{> tabs}}
        <div class="status-grid">
          <section class="card" aria-labelledby="database-heading">
            <h2 id="database-heading">Database</h2>
            <div class="facts compact">
              <dl><dt>Owner</dt><dd>{{databaseOwner}}</dd></dl>
              <dl><dt>Company</dt><dd>{{companyName}}</dd></dl>
              <dl><dt>Serial number</dt><dd>{{serialNumber}}</dd></dl>
              <dl><dt>Type</dt><dd>{{databaseType}}</dd></dl>
              <dl><dt>Next expiry</dt><dd>{{nextExpiry}}</dd></dl>
              <dl><dt>Logged on user</dt><dd>{{loggedOnUser}}</dd></dl>
            </div>
            {{^tenantIntact}}<p class="flash error">The installation's own record has been changed outside the license server: no user can log in until it is restored.</p>{{/tenantIntact}}
            {{#hasWarnings}}<ul class="warnings">{{#warnings}}<li class="warning"><span class="warn-mark" aria-hidden="true">!</span> {{.}}</li>{{/warnings}}</ul>{{/hasWarnings}}
          </section>
          <section class="card" aria-labelledby="seats-heading">
            <h2 id="seats-heading">Users</h2>
            <div class="facts compact">
              <dl><dt>User plans in use</dt><dd>{{plansInUse}} of {{plansPurchased}}</dd></dl>
              <dl><dt>Web users (user + web)</dt><dd>{{userWebInUse}} of {{userWebPurchased}}</dd></dl>
            </div>
          </section>
          <section class="card" aria-labelledby="consumption-heading">
            <h2 id="consumption-heading">Consumption services</h2>
            <p class="muted">Storage, e-mails sent through mailings, customer centre logins, chat sessions and form submissions are billed when a month's use is over its allowance, which grows with the number of users.</p>
            <a class="button" href="/admin/consumption">Consumption services</a>
          </section>
        </div>
        <section class="card" aria-labelledby="events-heading">
          <div class="card-head">
            <h2 id="events-heading">System notifications</h2>
            <a class="button" href="/admin/events/new">Add</a>
          </div>
          <div class="split events-split">
            <div class="table-wrap" role="region" aria-labelledby="events-heading" tabindex="0">
              <table class="events" id="events-table">
                <caption class="table-note">Times in UTC. Select an event to see its description.</caption>
                <thead>
                  <tr>
                    <th scope="col">Event</th>
                    <th scope="col">Status</th>
                    <th scope="col">Message</th>
                    <th scope="col">Activated</th>
                    <th scope="col">Activated by</th>
                    <th scope="col">Finished</th>
                    <th scope="col">Type</th>
                  </tr>
                </thead>
                <tbody>
                  {{#events}}
                  <tr class="{{#selected}}selected{{/selected}}" data-event="{{id}}">
                    <th scope="row" class="nowrap"><a href="{{href}}"{{#selected}} aria-current="true"{{/selected}}>{{label}}</a></th>
                    <td><span class="badge {{statusClass}}">{{status}}</span>{{#progress}}<br><progress class="job-progress" max="{{progressTotal}}" value="{{progressDone}}" aria-label="Progress: {{.}}">{{.}}</progress> <span class="hint progress-text">{{.}}</span>{{/progress}}</td>
                    <td>{{message}}</td>
                    <td class="nowrap">{{activated}}</td>
                    <td class="actor">{{activatedBy}}{{#activatedFrom}}<br><span class="hint">{{.}}</span>{{/activatedFrom}}</td>
                    <td class="nowrap">{{finished}}{{#isExpected}}<br><span class="hint">expected</span>{{/isExpected}}</td>
                    <td class="nowrap">{{type}}</td>
                  </tr>
                  {{/events}}
                  {{^events}}<tr><td colspan="7" class="muted">There are no system notifications.</td></tr>{{/events}}
                </tbody>
              </table>
            </div>
            <aside class="event-description" id="event-details" aria-labelledby="event-details-title" tabindex="-1"{{#detail}} data-autofocus{{/detail}}>
              <h3 id="event-details-title">Description</h3>
              {{#detail}}
              <p class="event-name"><strong>{{label}}</strong> <span class="module-name">{{key}}</span></p>
              <p class="event-message">{{message}}</p>
              <div class="facts stacked">
                <dl><dt>Status</dt><dd>{{status}}</dd></dl>
                <dl><dt>Applies to</dt><dd>{{scope}}</dd></dl>
                <dl><dt>Activated</dt><dd>{{activated}} by {{activatedBy}}{{#activatedFrom}} <span class="muted">({{.}})</span>{{/activatedFrom}}</dd></dl>
                <dl><dt>Expected finish</dt><dd>{{expectedFinish}}</dd></dl>
                <dl><dt>Finished</dt><dd>{{finishedAt}}</dd></dl>
                <dl><dt>Type</dt><dd>{{type}}</dd></dl>
                {{#progress}}<dl><dt>Progress</dt><dd>{{.}}</dd></dl>{{/progress}}
              </div>
              <div class="actions">
                {{#isActive}}
                <a class="button secondary small" href="{{editHref}}">Edit</a>
                <form method="post" action="{{finishAction}}" class="inline">
                  <input type="hidden" name="csrf" value="{{csrf}}">
                  <button type="submit" class="button secondary small">Finish</button>
                </form>
                {{/isActive}}
                <form method="post" action="{{deleteAction}}" class="inline" data-confirm="Delete this event? This cannot be undone.">
                  <input type="hidden" name="csrf" value="{{csrf}}">
                  <button type="submit" class="button danger small">Delete</button>
                </form>
              </div>
              {{/detail}}
              {{^detail}}<p class="muted">Select an event in the list to see its full description here.</p>{{/detail}}
            </aside>
          </div>
        </section>
        """#

    /// Add or edit a system event.
    static let eventForm = #"""
        <p class="breadcrumb"><a href="/admin/status">← Status</a></p>
        <h1 class="page-title">{{heading}}</h1>
        <section class="card narrow" aria-labelledby="event-form-heading">
          <h2 id="event-form-heading" class="visually-hidden">{{heading}}</h2>
          {{#error}}<div class="flash error" role="alert">{{.}}</div>{{/error}}
          {{#confirmNoLogin}}<div class="flash error" role="alert" id="no-login-warning"><span class="warn-mark" aria-hidden="true">!</span> A “No login” event starts now: from then on nobody but administrators can log in until the event is finished. Tick the box above the button to confirm.</div>{{/confirmNoLogin}}
          <form method="post" action="{{action}}" class="form">
            <input type="hidden" name="csrf" value="{{csrf}}">
            {{#isNew}}
            <div class="field">
              <label for="event-key">Event type</label>
              <select id="event-key" name="key" required>
                {{#types}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/types}}
              </select>
            </div>
            <div class="field">
              <label for="event-scope">Applies to</label>
              <select id="event-scope" name="scope">
                {{#scopes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/scopes}}
              </select>
            </div>
            <div class="field">
              <label for="event-scope-owner">User or group name</label>
              <input type="text" id="event-scope-owner" name="scopeOwner" value="{{scopeOwner}}" aria-describedby="scope-owner-hint">
              <p class="hint" id="scope-owner-hint">Only for an event that applies to one user or one group.</p>
            </div>
            {{/isNew}}
            {{^isNew}}<p>Event: <strong>{{eventLabel}}</strong></p>{{/isNew}}
            <fieldset class="field-row">
              <legend>Expected finish (UTC, optional)</legend>
              <div class="field">
                <label for="finish-date">Date</label>
                <input type="date" id="finish-date" name="finishDate" value="{{finishDate}}">
              </div>
              <div class="field">
                <label for="finish-time">Time</label>
                <input type="time" id="finish-time" name="finishTime" value="{{finishTime}}">
              </div>
            </fieldset>
            <div class="field">
              <label for="event-message">Description</label>
              <textarea id="event-message" name="message" rows="4" required maxlength="2000">{{message}}</textarea>
            </div>
            {{#confirmNoLogin}}
            <div class="check">
              <input type="checkbox" id="confirm-no-login" name="confirmNoLogin" value="yes" required>
              <label for="confirm-no-login">Yes, stop everyone but administrators from logging in now</label>
            </div>
            {{/confirmNoLogin}}
            <div class="actions">
              <button type="submit" class="button" id="save-event">{{submitLabel}}</button>
              <a class="button secondary" href="/admin/status">Cancel</a>
            </div>
          </form>
        </section>
        """#
}
