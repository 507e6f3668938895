extension AdminTemplates {
    static let consumption = #"""
        <p class="breadcrumb"><a href="/admin/status">← Status</a></p>
        <h1 class="page-title">Consumption services</h1>
        <section class="card month-card" aria-labelledby="month-heading">
          <h2 id="month-heading">{{runningMonth}} so far</h2>
          <p>Day {{dayOfMonth}} of {{daysInMonth}}. The allowances grow with the <strong>{{users}}</strong> user plan seats in use; use above an allowance is billed on the next monthly invoice.</p>
          <div class="field">
            <label for="month-progress">Month elapsed</label>
            <progress id="month-progress" max="{{daysInMonth}}" value="{{dayOfMonth}}">{{dayOfMonth}} of {{daysInMonth}} days</progress>
          </div>
        </section>
        <div class="services">
          {{#services}}
          <section class="card service" id="{{id}}" aria-labelledby="{{id}}-heading" data-service="{{name}}">
            <h2 id="{{id}}-heading">{{label}}</h2>
            <div class="running">
              <p><strong>This month:</strong> <span class="running-usage">{{runningUsage}}</span> of <span class="running-allowance">{{runningAllowance}}</span> ({{runningPercent}}&nbsp;%){{#isOver}} <span class="badge fence-reached">Over by {{runningOverage}}</span>{{/isOver}}{{#isNearing}} <span class="badge fence-nearing">Nearing the allowance</span>{{/isNearing}}</p>
              <meter id="{{id}}-meter" min="0" max="{{meterMax}}" low="{{meterLow}}" high="{{meterHigh}}" optimum="0" value="{{meterValue}}" aria-labelledby="{{id}}-heading">{{runningPercent}} %</meter>
            </div>
            <figure class="chart">
              {{{chart}}}
              <figcaption class="legend"><span class="key key-usage"></span>Usage <span class="key key-over"></span>Over the allowance <span class="key key-allowance"></span>Allowance <span class="key key-running"></span>Running month</figcaption>
            </figure>
            <details class="figures">
              <summary>Figures per month</summary>
              <div class="table-wrap">
                <table>
                  <thead><tr><th scope="col">Month</th><th scope="col" class="num">Usage</th><th scope="col" class="num">Allowance</th><th scope="col" class="num">Over</th></tr></thead>
                  <tbody>
                    {{#figures}}<tr{{#isOver}} class="over"{{/isOver}}><th scope="row">{{month}}</th><td class="num">{{usage}}</td><td class="num">{{allowance}}</td><td class="num">{{overage}}</td></tr>{{/figures}}
                  </tbody>
                </table>
              </div>
            </details>
          </section>
          {{/services}}
        </div>
        <section class="card" id="invoice" aria-labelledby="invoice-heading">
          <div class="card-head">
            <h2 id="invoice-heading">Invoice preview: {{invoiceMonth}}</h2>
            <form method="get" action="/admin/consumption" class="inline-form">
              <label for="invoice-month">Month</label>
              <select id="invoice-month" name="month">
                {{#monthOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/monthOptions}}
              </select>
              <button type="submit" class="button secondary small" id="show-invoice">Show</button>
            </form>
          </div>
          <div class="table-wrap" role="region" aria-labelledby="invoice-heading" tabindex="0">
            <table class="invoice" id="invoice-table" data-month="{{invoiceMonthValue}}">
              <thead>
                <tr>
                  <th scope="col">Service</th>
                  <th scope="col" class="num">Usage</th>
                  <th scope="col" class="num">Allowance</th>
                  <th scope="col" class="num">Units over</th>
                  <th scope="col" class="num">Unit</th>
                  <th scope="col" class="num">Price per unit</th>
                  <th scope="col" class="num">Amount</th>
                </tr>
              </thead>
              <tbody>
                {{#invoiceLines}}
                <tr data-service="{{service}}"{{#isCharged}} class="charged"{{/isCharged}}>
                  <th scope="row">{{label}}</th>
                  <td class="num usage">{{usage}}</td>
                  <td class="num allowance">{{allowance}}</td>
                  <td class="num units">{{overageUnits}}</td>
                  <td class="num">{{unitSize}}</td>
                  <td class="num">{{price}}</td>
                  <td class="num amount">{{amount}}</td>
                </tr>
                {{/invoiceLines}}
              </tbody>
              <tfoot>
                <tr><th scope="row" colspan="6">Total</th><td class="num" id="invoice-total">{{invoiceTotal}}</td></tr>
              </tfoot>
            </table>
          </div>
          {{#invoiceIsRunning}}<p class="muted">{{invoiceMonth}} is not over yet: its figures can still grow.</p>{{/invoiceIsRunning}}
        </section>
        """#

    static let audit = #"""
        <h1 class="page-title">Audit log</h1>
        <section class="card" aria-labelledby="audit-heading">
          <h2 id="audit-heading">{{range}} <span class="muted">(newest first)</span></h2>
          <div class="table-wrap" role="region" aria-labelledby="audit-heading" tabindex="0">
            <table class="audit" id="audit-table">
              <thead>
                <tr>
                  <th scope="col" class="num">#</th>
                  <th scope="col">Time</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">Before</th>
                  <th scope="col">After</th>
                </tr>
              </thead>
              <tbody>
                {{#rows}}
                <tr>
                  <td class="num">{{sequence}}</td>
                  <td class="nowrap">{{at}}</td>
                  <td class="actor">{{actor}}{{#actorSource}}<br><span class="hint">{{.}}</span>{{/actorSource}}</td>
                  <td><code>{{action}}</code></td>
                  <td>{{target}}</td>
                  <td class="small-text">{{before}}</td>
                  <td class="small-text">{{after}}</td>
                </tr>
                {{/rows}}
                {{^rows}}<tr><td colspan="7" class="muted">The audit log is empty.</td></tr>{{/rows}}
              </tbody>
            </table>
          </div>
          <nav class="pager" aria-label="Audit log pages">
            {{^isFirstPage}}<a class="button secondary small" href="/admin/audit">← Newest entries</a>{{/isFirstPage}}
            {{#olderHref}}<a class="button secondary small" href="{{.}}" id="older-entries">Older entries →</a>{{/olderHref}}
          </nav>
        </section>
        """#
}
