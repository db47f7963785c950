using System.Text.Json;
using System.Text.Json.Serialization;

namespace Iot.Protocol.Serialization;

/// <summary>Enums travel as camelCase strings ("hashMismatch"), matching the property naming of every message.</summary>
public sealed class CamelCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.CamelCase, allowIntegerValues: false)
    where TEnum : struct, Enum;
