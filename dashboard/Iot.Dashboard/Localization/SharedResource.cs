// The assembly is named iot-dashboard, not after its root namespace: without this the localizer would look for
// "iot-dashboard.Localization.SharedResource" and silently show the keys.
[assembly: Microsoft.Extensions.Localization.RootNamespace("Iot.Dashboard")]

namespace Iot.Dashboard.Localization;

/// <summary>
/// Marker for the one resource set every page, partial and script dictionary reads through
/// <c>IStringLocalizer&lt;SharedResource&gt;</c>: <c>SharedResource.resx</c> (English, the default) and one
/// <c>SharedResource.{culture}.resx</c> per other supported culture, all beside this file. Keys are short dotted names
/// (<c>Nav.Overview</c>) so that an English wording can change without touching the translations' keys.
/// </summary>
#pragma warning disable CA1052 // A type argument for IStringLocalizer<T>: it is never instantiated and holds nothing.
public sealed class SharedResource;
#pragma warning restore CA1052
