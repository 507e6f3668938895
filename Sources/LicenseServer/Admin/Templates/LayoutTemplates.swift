/// The Mustache templates of the admin pages, compiled into the binary. `{{x}}` escapes HTML; `{{{x}}}` is used only
/// for HTML the server built itself (the page body inside the layout, the SVG charts).
enum AdminTemplates {
    static var all: [String: String] {
        [
            "layout": layout, "error": error, "login": login, "tabs": tabs,
            "owner": owner, "status": status, "event-form": eventForm,
            "activation-upload": activationUpload, "activation-preview": activationPreview, "remove-form": removeForm,
            "activation-remove": activationRemove, "activation-done": activationDone,
            "users": users, "user-new": userNew, "user": user, "module-node": moduleNode,
            "consumption": consumption, "audit": audit,
        ]
    }

    static let layout = #"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · License server</title>
        <link rel="stylesheet" href="/admin/assets/app.css">
        <script src="/admin/assets/app.js" defer></script>
        </head>
        <body>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="site-header">
          <div class="header-inner">
            <div class="brand-block">
              <a class="brand" href="/admin/licenses">License server</a>
              {{#companyName}}<span class="company">{{.}}</span>{{/companyName}}
            </div>
            {{#signedIn}}
            <nav class="main-nav" aria-label="Main">
              <ul>
                {{#nav}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/nav}}
              </ul>
            </nav>
            <form class="signout" method="post" action="/admin/logout">
              <input type="hidden" name="csrf" value="{{csrf}}">
              <span class="who">Signed in as <strong>{{userName}}</strong></span>
              <button type="submit" class="button ghost small">Sign out</button>
            </form>
            {{/signedIn}}
          </div>
        </header>
        <main id="main" class="page" tabindex="-1">
          {{#messageOfTheDay}}<p class="motd"><strong>Message of the day:</strong> {{.}}</p>{{/messageOfTheDay}}
          {{#flashes}}<div class="flash {{kind}}" role="{{role}}">{{text}}</div>{{/flashes}}
          {{{body}}}
        </main>
        <footer class="site-footer"><p>License server · administration</p></footer>
        </body>
        </html>
        """#

    static let error = #"""
        <section class="card narrow error-page" aria-labelledby="error-title">
          <p class="status-code">Error {{status}}</p>
          <h1 id="error-title">{{title}}</h1>
          <p>{{message}}</p>
          {{#reference}}<p class="muted">Reference: <code>{{.}}</code></p>{{/reference}}
          <p class="actions">
            {{#signedIn}}<a class="button" href="/admin/licenses">Go to the Licenses screen</a>{{/signedIn}}
            {{^signedIn}}<a class="button" href="/admin/login">Go to sign-in</a>{{/signedIn}}
          </p>
        </section>
        """#

    static let login = #"""
        <div class="login-wrap">
        <section class="card login" aria-labelledby="login-heading">
          <h1 id="login-heading">Sign in</h1>
          <p class="muted">Administrators of an installation sign in with their user name and password.</p>
          {{#error}}<div class="flash error" role="alert" id="login-error">{{.}}</div>{{/error}}
          <form method="post" action="/admin/login" class="form">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <input type="hidden" name="next" value="{{next}}">
            <div class="field">
              <label for="tenant">Tenant</label>
              <input type="text" id="tenant" name="tenant" value="{{tenant}}" required autocomplete="organization" autocapitalize="none" spellcheck="false">
            </div>
            <div class="field">
              <label for="user-name">User name</label>
              <input type="text" id="user-name" name="userName" value="{{userName}}" required autocomplete="username" autocapitalize="none" spellcheck="false">
            </div>
            <div class="field">
              <label for="password">Password</label>
              <input type="password" id="password" name="password" required autocomplete="current-password">
            </div>
            <div class="actions"><button type="submit" class="button" id="sign-in">Sign in</button></div>
          </form>
        </section>
        </div>
        """#

    static let tabs = #"""
        <nav class="tabs" aria-label="License owners and status">
          <ul>
            {{#tabs}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/tabs}}
          </ul>
        </nav>
        """#
}
