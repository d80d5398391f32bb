using System.Globalization;
using System.Text.Json;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.Prometheus;

/// <summary>
/// Reads the query API's JSON envelope (https://prometheus.io/docs/prometheus/latest/querying/api/):
/// <c>{"status":"success","data":{"resultType":...,"result":...},"warnings":[...],"infos":[...]}</c> or
/// <c>{"status":"error","errorType":...,"error":...}</c>. Anything else is a <see cref="PrometheusErrorKind.ServerError"/>
/// that says what was wrong with it. Sample values are strings ("NaN", "+Inf" included) and are kept as they are:
/// the engine decides what an unusable sample means.
/// </summary>
internal static class ResponseReader
{
    public static QueryResult Read(JsonElement root, int httpStatus)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Malformed(httpStatus, $"expected a JSON object, got {root.ValueKind}");
        }

        var status = root.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        if (status == "success" && httpStatus is < 200 or >= 300)
        {
            throw Malformed(httpStatus, "a success body on an error status");
        }

        if (status == "error")
        {
            var errorType = root.TryGetProperty("errorType", out var t) ? t.GetString() : null;
            var error = root.TryGetProperty("error", out var e) ? e.GetString() : null;
            var kind = httpStatus switch
            {
                401 or 403 => PrometheusErrorKind.Unauthorized,
                400 or 422 => PrometheusErrorKind.BadQuery,
                _ when errorType is "bad_data" or "execution" => PrometheusErrorKind.BadQuery,
                _ when errorType == "timeout" => PrometheusErrorKind.Timeout,
                _ => PrometheusErrorKind.ServerError,
            };
            throw new PrometheusException(kind, $"HTTP {httpStatus} {errorType ?? "error"}: {error ?? "(no message)"}") { ErrorType = errorType ?? "error" };
        }

        if (status != "success")
        {
            throw Malformed(httpStatus, "\"status\" must be \"success\" or \"error\"");
        }

        var warnings = Strings(root, "warnings");
        var infos = Strings(root, "infos");
        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            throw Malformed(httpStatus, "\"data\" is missing");
        }

        var resultType = data.TryGetProperty("resultType", out var rt) ? rt.GetString() : null;
        if (!data.TryGetProperty("result", out var result))
        {
            throw Malformed(httpStatus, "\"data.result\" is missing");
        }

        return resultType switch
        {
            "vector" => new QueryResult(ResultType.Vector, ReadSeries(result, "value", single: true, httpStatus), warnings, infos),
            "matrix" => new QueryResult(ResultType.Matrix, ReadSeries(result, "values", single: false, httpStatus), warnings, infos),
            "scalar" => new QueryResult(ResultType.Scalar, [new Series(new Dictionary<string, string>(), [ReadSample(result, httpStatus)])], warnings, infos),
            _ => throw Malformed(httpStatus, $"result type '{resultType}' is not supported (expected vector, matrix or scalar)"),
        };
    }

    private static Series[] ReadSeries(JsonElement result, string field, bool single, int httpStatus)
    {
        if (result.ValueKind != JsonValueKind.Array)
        {
            throw Malformed(httpStatus, "\"data.result\" must be a list");
        }

        var series = new Series[result.GetArrayLength()];
        var i = 0;
        foreach (var item in result.EnumerateArray())
        {
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (item.TryGetProperty("metric", out var metric) && metric.ValueKind == JsonValueKind.Object)
            {
                foreach (var label in metric.EnumerateObject())
                {
                    labels[label.Name] = label.Value.ValueKind == JsonValueKind.String
                        ? label.Value.GetString()!
                        : throw Malformed(httpStatus, $"label {label.Name} must be a string, got {Shorten(label.Value.GetRawText())}");
                }
            }

            Sample[] samples;
            if (!item.TryGetProperty(field, out var values))
            {
                // A native histogram sample ("histogram"/"histograms") has no float value: nothing we read.
                samples = [];
            }
            else if (single)
            {
                samples = [ReadSample(values, httpStatus)];
            }
            else
            {
                if (values.ValueKind != JsonValueKind.Array)
                {
                    throw Malformed(httpStatus, $"\"{field}\" must be a list of [time, value]");
                }

                samples = new Sample[values.GetArrayLength()];
                var j = 0;
                foreach (var value in values.EnumerateArray())
                {
                    samples[j++] = ReadSample(value, httpStatus);
                }
            }

            series[i++] = new Series(labels, samples);
        }

        return series;
    }

    private static Sample ReadSample(JsonElement pair, int httpStatus)
    {
        if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2 || pair[0].ValueKind != JsonValueKind.Number
            || pair[1].ValueKind != JsonValueKind.String)
        {
            throw Malformed(httpStatus, $"a sample must be [unix seconds, \"value\"], got {Shorten(pair.GetRawText())}");
        }

        var text = pair[1].GetString()!;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            value = text switch
            {
                "NaN" => double.NaN,
                "+Inf" or "Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                _ => throw Malformed(httpStatus, $"sample value '{Shorten(text)}' is not a number"),
            };
        }

        // Unix seconds between 1970 and 9999: anything else (1e300, a negative time) is not an answer to our query.
        var seconds = pair[0].GetDouble();
        if (!double.IsFinite(seconds) || seconds < 0 || seconds > 253_402_300_799)
        {
            throw Malformed(httpStatus, $"sample time {Shorten(pair[0].GetRawText())} is not a Unix time");
        }

        var time = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
        return new Sample(time, value);
    }

    private static string[] Strings(JsonElement root, string name) =>
        root.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(w => w.ValueKind == JsonValueKind.String ? w.GetString() ?? "" : w.GetRawText()).ToArray()
            : [];

    private static PrometheusException Malformed(int httpStatus, string what) =>
        new(PrometheusErrorKind.ServerError, $"HTTP {httpStatus}: not a Prometheus query API answer: {what}");

    private static string Shorten(string text) => text.Length > 80 ? text[..80] + "..." : text;
}
