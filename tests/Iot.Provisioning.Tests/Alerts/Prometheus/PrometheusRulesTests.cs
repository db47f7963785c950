using System.Text.RegularExpressions;
using Iot.Provisioning.Alerts;

namespace Iot.Provisioning.Tests.Alerts.Prometheus;

/// <summary>The shipped Prometheus files pass promtool, and the rules keep the catalog's ids and severities.</summary>
public sealed partial class PrometheusRulesTests
{
    [Fact]
    public async Task The_shipped_config_and_rules_pass_promtool_check()
    {
        var config = await Promtool.RunAsync("check", "config", Promtool.ConfigFile);
        Assert.True(config.Code == 0, config.Output);
        var rules = await Promtool.RunAsync("check", "rules", Promtool.RulesFile);
        Assert.True(rules.Code == 0, rules.Output);
        Assert.Contains("SUCCESS: 18 rules found", rules.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_alert_fires_and_stays_quiet_as_the_promtool_unit_tests_expect_including_tenant_overrides()
    {
        var result = await Promtool.RunAsync("test", "rules", Path.Combine("tests", "iot-alerts.test.yml"));

        Assert.True(result.Code == 0, result.Output);
        Assert.Contains("SUCCESS", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_catalog_rule_has_one_alert_with_its_severity_and_reads_that_rules_threshold()
    {
        var text = await File.ReadAllTextAsync(Promtool.RulesFile);
        var labelled = RuleLabels().Matches(text).Select(m => (Severity: m.Groups[1].Value, Rule: m.Groups[2].Value)).ToList();

        Assert.Equal(AlertRuleCatalog.All.Select(r => (r.Severity, r.Id)).Order(), labelled.Order());
        foreach (var rule in AlertRuleCatalog.All)
        {
            Assert.Contains($"iot_alert_threshold{{{(rule.Scope == AlertScope.Platform ? "tenant=\"\", " : "")}rule=\"{rule.Id}\"}}", text, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@"severity: (\w+)\n\s+rule: ([\w-]+)")]
    private static partial Regex RuleLabels();
}
