// The alerts an operator wants from the first day, as log search alerts on the Log Analytics workspace
// behind Application Insights: the app's OpenTelemetry metrics (meter `Shiming`, README "Telemetry")
// arrive there in the AppMetrics table, one row per instrument, attribute set and export, with the
// attributes in Properties. Each query returns a row only when its condition holds.
param logAnalyticsName string
param namePrefix string
param location string = resourceGroup().location
param tags object = {}

@description('Mail address the alerts are sent to. Empty: the rules fire in the portal, no one is mailed.')
param alertEmail string = ''

@description('Oldest waiting job age, in seconds, above which the backlog alert fires.')
param oldestWaitingSeconds int = 600

// Metrics are exported once a minute, so one minute of the window may have no row: one fewer refusing minute counts.
@description('Minutes in a row in which Baidu refused calls (error 18) and answered none, before the alert fires.')
param refusingMinutes int = 5

@description('Share of finished jobs that failed, in percent, above which the failure alert fires.')
param failedJobsPercent int = 20

@description('Fewest finished jobs in the window for the failure share to count: a single failure in a quiet hour is no trend.')
param failedJobsMinimum int = 10

@description('Share of identity checks the authority could not answer (result unavailable), in percent, above which the identity alert fires.')
param unavailableChecksPercent int = 20

@description('Fewest identity checks in the window for the unavailable share to count.')
param unavailableChecksMinimum int = 10

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsName
}

resource operators 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: '${namePrefix}-operators'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'shiming'
    enabled: true
    emailReceivers: [
      {
        name: 'operator'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

var actions = empty(alertEmail) ? [] : [operators.id]

var rules = [
  {
    name: 'poison-queue'
    displayName: 'Shiming: a job went to the poison queue'
    description: 'A job failed every attempt (provider_unavailable) and its message was moved to the poison queue: look at the job\'s log lines, then at Baidu and the app\'s settings.'
    severity: 1
    window: 'PT15M'
    query: 'AppMetrics | where Name == "shiming.jobs.finished" and tobool(Properties.poisoned) | summarize Poisoned = sum(Sum) | where Poisoned > 0'
  }
  {
    name: 'baidu-refusing'
    displayName: 'Shiming: Baidu refuses calls'
    description: 'Baidu has answered error 18 (QPS) to every call for ${refusingMinutes} minutes, or a quota (error 17 or 19) paused the drain: check the Baidu account\'s resources and quota and Baidu__QpsLimit.'
    severity: 1
    window: 'PT${refusingMinutes}M'
    query: 'AppMetrics | where Name == "shiming.baidu.calls" | extend Outcome = tostring(Properties.outcome) | summarize Refused = sumif(Sum, Outcome == "qps_refused"), Answered = sumif(Sum, Outcome == "success"), Quota = sumif(Sum, Outcome == "quota") by bin(TimeGenerated, 1m) | summarize RefusingMinutes = countif(Refused > 0 and Answered == 0), Quota = sum(Quota) | where RefusingMinutes >= ${refusingMinutes - 1} or Quota > 0'
  }
  {
    name: 'backlog-old'
    displayName: 'Shiming: the oldest waiting job is old'
    description: 'A job has waited more than ${oldestWaitingSeconds} seconds for its Baidu call: the budget is too small for the load, or the drain is paused or not running.'
    severity: 2
    window: 'PT5M'
    query: 'AppMetrics | where Name == "shiming.backlog.oldest_age" | summarize Oldest = max(Max) | where Oldest > ${oldestWaitingSeconds}'
  }
  {
    name: 'jobs-failing'
    displayName: 'Shiming: many jobs fail'
    description: 'More than ${failedJobsPercent}% of the jobs finished in the last hour failed (at least ${failedJobsMinimum} finished): the error_code attribute of shiming.jobs.finished says why.'
    severity: 2
    window: 'PT1H'
    query: 'AppMetrics | where Name == "shiming.jobs.finished" | extend Outcome = tostring(Properties.outcome) | where Outcome in ("completed", "failed") | summarize Failed = sumif(Sum, Outcome == "failed"), Finished = sum(Sum) | where Finished >= ${failedJobsMinimum} and Failed * 100.0 > Finished * ${failedJobsPercent}'
  }
  {
    name: 'identity-unavailable'
    displayName: 'Shiming: the authority cannot answer identity checks'
    description: 'More than ${unavailableChecksPercent}% of the identity checks in the last hour ended unavailable (at least ${unavailableChecksMinimum} checks): people cannot be registered; check Baidu\'s status and the identity check on the Baidu application.'
    severity: 2
    window: 'PT1H'
    query: 'AppMetrics | where Name == "shiming.jobs.finished" and tostring(Properties.kind) == "identity" | extend Result = tostring(Properties.result) | where isnotempty(Result) | summarize Unavailable = sumif(Sum, Result == "unavailable"), Checked = sum(Sum) | where Checked >= ${unavailableChecksMinimum} and Unavailable * 100.0 > Checked * ${unavailableChecksPercent}'
  }
]

resource alerts 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for rule in rules: {
    name: '${namePrefix}-${rule.name}'
    location: location
    tags: tags
    properties: {
      displayName: rule.displayName
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [
        workspace.id
      ]
      evaluationFrequency: 'PT5M'
      windowSize: rule.window
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: 'Count'
            operator: 'GreaterThan'
            threshold: 0
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      autoMitigate: true
      actions: {
        actionGroups: actions
      }
    }
  }
]

output ruleNames array = [for (rule, i) in rules: alerts[i].name]
