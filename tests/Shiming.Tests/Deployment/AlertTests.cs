using System.Text.Json;
using System.Text.RegularExpressions;

namespace Shiming.Tests.Deployment;

/// <summary>
/// The day-one alerts in the compiled template: log search rules over the workspace's AppMetrics, each on an
/// instrument the app really has, mailed to the address the azd environment gives.
/// </summary>
[TestClass]
public sealed class AlertTests
{
    private static readonly string[] InstrumentNames =
    [
        "shiming.jobs.accepted", "shiming.jobs.finished", "shiming.baidu.calls", "shiming.baidu.call.duration",
        "shiming.budget.used", "shiming.backlog.waiting", "shiming.backlog.oldest_age", "shiming.token.renewals",
    ];

    private static IReadOnlyList<JsonElement> Rules => [.. Templates.Alerts.Variables.GetProperty("rules").EnumerateArray()];

    [TestMethod]
    public void There_is_a_rule_for_the_poison_queue_Baidu_refusing_an_old_backlog_failing_jobs_and_unanswered_identity_checks()
    {
        CollectionAssert.AreEqual(
            new[] { "poison-queue", "baidu-refusing", "backlog-old", "jobs-failing", "identity-unavailable" },
            Rules.Select(r => r.GetProperty("name").GetString()).ToArray());
        var rule = Templates.Alerts.Resources("Microsoft.Insights/scheduledQueryRules").Single();
        Assert.AreEqual("[length(variables('rules'))]", rule.StringAt("copy.count"));
        Assert.AreEqual("[resourceId('Microsoft.OperationalInsights/workspaces', parameters('logAnalyticsName'))]", rule.At("properties.scopes")[0].GetString());
        Assert.AreEqual("[variables('actions')]", rule.StringAt("properties.actions.actionGroups"));
        Templates.AssertIsModuleOutput(Templates.Argument("alerts", "logAnalyticsName"), "monitoring", "logAnalyticsWorkspaceName");
    }

    [TestMethod]
    public void Each_rule_queries_app_metrics_by_the_name_of_an_instrument_the_app_has()
    {
        var source = Deployment.AppSettingNames.FunctionsSource();
        foreach (var rule in Rules)
        {
            var query = rule.GetProperty("query").GetString()!;
            StringAssert.Contains(query, "AppMetrics");
            var named = Regex.Matches(query, @"Name == \\?""(shiming\.[a-z_.]+)\\?""").Select(m => m.Groups[1].Value).ToList();
            Assert.IsNotEmpty(named, query);
            foreach (var name in named)
            {
                CollectionAssert.Contains(InstrumentNames, name);
                StringAssert.Contains(source, $"\"{name}\"", $"the app no longer has {name}, which an alert watches");
            }
        }
    }

    [TestMethod]
    public void Thresholds_are_parameters_and_the_mail_address_comes_from_the_azd_environment()
    {
        var query = (string name) => Rules.Single(r => r.GetProperty("name").GetString() == name).GetProperty("query").GetString()!;
        StringAssert.Contains(query("backlog-old"), "parameters('oldestWaitingSeconds')");
        StringAssert.Contains(query("jobs-failing"), "parameters('failedJobsPercent')");
        StringAssert.Contains(query("baidu-refusing"), "parameters('refusingMinutes')");
        StringAssert.Contains(query("identity-unavailable"), "parameters('unavailableChecksPercent')");
        Assert.AreEqual(600, Templates.Main.Default("alertOldestWaitingSeconds").GetInt32());
        Assert.AreEqual("[parameters('alertOldestWaitingSeconds')]", Templates.Argument("alerts", "oldestWaitingSeconds"));
        Assert.AreEqual("[parameters('alertFailedJobsPercent')]", Templates.Argument("alerts", "failedJobsPercent"));
        Assert.AreEqual("[parameters('alertEmail')]", Templates.Argument("alerts", "alertEmail"));
        Assert.AreEqual("${ALERT_EMAIL=}", Templates.ParametersFile().GetProperty("alertEmail").GetProperty("value").GetString());

        var group = Templates.Alerts.Resources("Microsoft.Insights/actionGroups").Single();
        Assert.AreEqual("[not(empty(parameters('alertEmail')))]", group.StringAt("condition"));
        Assert.AreEqual("[parameters('alertEmail')]", group.At("properties.emailReceivers")[0].StringAt("emailAddress"));
    }
}
