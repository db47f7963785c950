using System.Globalization;
using System.Text;

namespace Iot.Telemetry.Metrics;

/// <summary>
/// Writes the Prometheus text exposition format (version 0.0.4): HELP and TYPE once per family, then samples.
/// Shared so the agent's /metrics and the cloud's job metrics read alike.
/// </summary>
public sealed class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new();

    public PrometheusText Counter(string name, string help, double value) => Family(name, "counter", help).Sample(name, value);

    public PrometheusText Gauge(string name, string help, double value) => Family(name, "gauge", help).Sample(name, value);

    /// <summary>One gauge family with one sample per label value: 1 for the current one, 0 for the rest.</summary>
    public PrometheusText OneHot(string name, string help, string label, IEnumerable<string> values, string current)
    {
        Family(name, "gauge", help);
        foreach (var v in values)
        {
            Sample(name, v == current ? 1 : 0, (label, v));
        }

        return this;
    }

    /// <summary>One gauge family with a sample per label set (e.g. queue depth by kind and status).</summary>
    public PrometheusText Gauges(string name, string help, IEnumerable<(double Value, (string Label, string Value)[] Labels)> samples)
    {
        Family(name, "gauge", help);
        foreach (var (value, labels) in samples)
        {
            Sample(name, value, labels);
        }

        return this;
    }

    /// <summary>One counter family with a sample per label set (e.g. rejections by reason).</summary>
    public PrometheusText Counters(string name, string help, IEnumerable<(double Value, (string Label, string Value)[] Labels)> samples)
    {
        Family(name, "counter", help);
        foreach (var (value, labels) in samples)
        {
            Sample(name, value, labels);
        }

        return this;
    }

    public PrometheusText Info(string name, string help, params (string Label, string Value)[] labels) => Family(name, "gauge", help).Sample(name, 1, labels);

    public override string ToString() => _text.ToString();

    private PrometheusText Family(string name, string type, string help)
    {
        _text.Append("# HELP ").Append(name).Append(' ').Append(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        return this;
    }

    private PrometheusText Sample(string name, double value, params (string Label, string Value)[] labels)
    {
        _text.Append(name);
        if (labels.Length > 0)
        {
            _text.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                _text.Append(i == 0 ? "" : ",").Append(labels[i].Label).Append("=\"").Append(EscapeLabel(labels[i].Value)).Append('"');
            }

            _text.Append('}');
        }

        _text.Append(' ').Append(Format(value)).Append('\n');
        return this;
    }

    private static string Format(double value) => value switch
    {
        double.NaN => "NaN",
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string EscapeLabel(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
