extension AdminTemplates {
    static let users = #"""
        <div class="page-head">
          <h1 class="page-title">Users</h1>
          <a class="button" href="/admin/users/new">Add user</a>
        </div>
        <form method="get" action="/admin/users" class="card filter-form">
          <div class="field">
            <label for="license-filter">Show users who have</label>
            <select id="license-filter" name="license">
              <option value=""{{#noFilter}} selected{{/noFilter}}>Any license (all users)</option>
              {{#groups}}
              <optgroup label="{{label}}">
                {{#options}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/options}}
              </optgroup>
              {{/groups}}
            </select>
          </div>
          <button type="submit" class="button secondary" id="apply-filter">Filter</button>
        </form>
        <section class="card" aria-labelledby="users-heading">
          <h2 id="users-heading">{{#filterLabel}}Users with {{.}}{{/filterLabel}}{{^filterLabel}}All users{{/filterLabel}} <span class="muted">({{shown}} of {{total}})</span></h2>
          <div class="table-wrap" role="region" aria-labelledby="users-heading" tabindex="0">
            <table class="users" id="users-table">
              <thead>
                <tr>
                  <th scope="col">User name</th>
                  <th scope="col">Name</th>
                  <th scope="col">Type</th>
                  <th scope="col">Can log in</th>
                  <th scope="col">Plan</th>
                  <th scope="col">Licenses</th>
                </tr>
              </thead>
              <tbody>
                {{#rows}}
                <tr data-user="{{userName}}">
                  <th scope="row"><a href="{{href}}">{{userName}}</a>{{#isAdministrator}} <span class="badge info">Administrator</span>{{/isAdministrator}}{{#retired}} <span class="badge plain">Retired</span>{{/retired}}</th>
                  <td>{{displayName}}</td>
                  <td>{{type}}</td>
                  <td>{{canLogIn}}</td>
                  <td>{{plans}}</td>
                  <td>{{licenses}}</td>
                </tr>
                {{/rows}}
                {{^rows}}<tr><td colspan="6" class="muted">No user has this license.</td></tr>{{/rows}}
              </tbody>
            </table>
          </div>
        </section>
        """#

    static let userNew = #"""
        <p class="breadcrumb"><a href="/admin/users">← Users</a></p>
        <h1 class="page-title">Add user</h1>
        <section class="card narrow" aria-labelledby="new-user-heading">
          <h2 id="new-user-heading" class="visually-hidden">New user</h2>
          {{#error}}<div class="flash error" role="alert">{{.}}</div>{{/error}}
          <form method="post" action="/admin/users" class="form">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <div class="field">
              <label for="new-user-name">User name</label>
              <input type="text" id="new-user-name" name="userName" value="{{userName}}" required maxlength="128" autocomplete="off" autocapitalize="none" spellcheck="false" aria-describedby="new-user-name-hint">
              <p class="hint" id="new-user-name-hint">What the user logs in with; it cannot be changed later.</p>
            </div>
            <div class="field">
              <label for="new-display-name">Name</label>
              <input type="text" id="new-display-name" name="displayName" value="{{displayName}}" maxlength="200" autocomplete="off">
            </div>
            <div class="field">
              <label for="new-email">E-mail</label>
              <input type="email" id="new-email" name="email" value="{{email}}" maxlength="254">
            </div>
            <div class="field">
              <label for="new-type">Type</label>
              <select id="new-type" name="type">
                {{#types}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/types}}
              </select>
            </div>
            <div class="check">
              <input type="checkbox" id="new-can-log-in" name="canLogIn" value="on"{{#canLogIn}} checked{{/canLogIn}}>
              <label for="new-can-log-in">Can log in</label>
            </div>
            <div class="actions">
              <button type="submit" class="button" id="add-user">Add user</button>
              <a class="button secondary" href="/admin/users">Cancel</a>
            </div>
          </form>
        </section>
        """#

    static let user = #"""
        <p class="breadcrumb"><a href="/admin/users">← Users</a></p>
        <h1 class="page-title">{{userName}}{{#displayTitle}} <span class="muted">– {{.}}</span>{{/displayTitle}}</h1>
        <form method="post" action="{{action}}" class="form user-form">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <section class="card" aria-labelledby="user-details-heading">
            <h2 id="user-details-heading">Details</h2>
            <div class="grid-2">
              <div class="field">
                <label for="display-name">Name</label>
                <input type="text" id="display-name" name="displayName" value="{{displayName}}" maxlength="200" autocomplete="off">
              </div>
              <div class="field">
                <label for="email">E-mail</label>
                <input type="email" id="email" name="email" value="{{email}}" maxlength="254">
              </div>
            </div>
            <p class="muted">Type: {{type}}{{#isAdministrator}} · <span class="badge info">Administrator</span>{{/isAdministrator}}{{#waitingForApproval}} · <span class="badge fence-nearing">Waiting for approval</span>{{/waitingForApproval}}</p>
            <div class="switches">
              <div class="check switch">
                <input type="checkbox" id="can-log-in" name="canLogIn" value="on"{{#canLogIn}} checked{{/canLogIn}}>
                <label for="can-log-in">Can log in</label>
              </div>
              <div class="check switch">
                <input type="checkbox" id="retired" name="retired" value="on"{{#retired}} checked{{/retired}}>
                <label for="retired">Retired</label>
              </div>
            </div>
          </section>
          {{#owners}}
          <section class="card owner-block" aria-labelledby="owner-{{slug}}-heading" data-owner="{{slug}}">
            <h2 id="owner-{{slug}}-heading">{{name}}</h2>
            <div class="owner-columns">
              {{#hasPlans}}
              <fieldset class="plans">
                <legend>User plan</legend>
                <div class="check">
                  <input type="radio" id="{{noPlanID}}" name="{{planName}}" value="none"{{#noPlanChecked}} checked{{/noPlanChecked}} data-implies="">
                  <label for="{{noPlanID}}">No plan</label>
                </div>
                {{#plans}}
                <div class="check">
                  <input type="radio" id="{{id}}" name="{{planName}}" value="{{value}}"{{#checked}} checked{{/checked}} data-implies="{{implies}}">
                  <label for="{{id}}">{{label}}</label> <span class="hint">{{note}}</span>
                </div>
                {{/plans}}
              </fieldset>
              {{/hasPlans}}
              {{#hasModules}}
              <fieldset class="licenses-choice">
                <legend>Licenses</legend>
                <ul class="tree">
                  {{#modules}}{{> module-node}}{{/modules}}
                </ul>
                {{#hasPlans}}<p class="hint">Licenses that come with the plan are checked and cannot be changed here; change the plan instead.</p>{{/hasPlans}}
              </fieldset>
              {{/hasModules}}
            </div>
          </section>
          {{/owners}}
          <div class="actions form-actions">
            <button type="submit" class="button" id="save-user">Save</button>
            <a class="button secondary" href="/admin/users">Cancel</a>
          </div>
        </form>
        """#

    /// One license checkbox and, nested under it, the licenses that require it.
    static let moduleNode = #"""
        <li>
          <div class="check{{#disabled}} locked{{/disabled}}">
            <input type="checkbox" id="{{id}}" name="license" value="{{value}}" data-module="{{module}}"{{#checked}} checked{{/checked}}{{#disabled}} disabled{{/disabled}}>
            <label for="{{id}}">{{label}}</label> <span class="hint">{{hint}}</span>
          </div>
          {{#hasChildren}}<ul>{{#children}}{{> module-node}}{{/children}}</ul>{{/hasChildren}}
        </li>
        """#
}
