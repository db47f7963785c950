using Iot.Cloud.Storage.Local;
using Iot.Cloud.Storage.S3;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Storage;

public static class AudioStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the process's <see cref="IAudioStore"/> from configuration section <paramref name="section"/>
    /// (validated at start-up; the options are named after the section). <paramref name="defaults"/> runs before
    /// the section is bound; <paramref name="tempFileTag"/> names the local store's temp files (see <see cref="LocalAudioStore"/>).
    /// </summary>
    public static IServiceCollection AddAudioStore(
        this IServiceCollection services,
        IConfiguration configuration,
        string section,
        Action<AudioStoreOptions>? defaults = null,
        Func<IServiceProvider, string>? tempFileTag = null)
    {
        var builder = services.AddOptions<AudioStoreOptions>(section);
        if (defaults is not null)
        {
            builder.Configure(defaults);
        }

        builder.Bind(configuration.GetSection(section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AudioStoreOptions>, AudioStoreOptionsValidator>());
        services.AddSingleton<IAudioStore>(sp => Create(
            sp.GetRequiredService<IOptionsMonitor<AudioStoreOptions>>().Get(section),
            section,
            tempFileTag?.Invoke(sp) ?? "p" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return services;
    }

    /// <summary>The store <paramref name="options"/> describe (already validated).</summary>
    public static IAudioStore Create(AudioStoreOptions options, string section, string tempFileTag) => options.Kind switch
    {
        AudioStoreKind.Local => new LocalAudioStore(options.Root, tempFileTag),
        AudioStoreKind.S3 => new S3AudioStore(S3Clients.Create(options.S3), options.S3, section),
        _ => throw new InvalidOperationException($"{section}:Kind '{options.Kind}' is not supported"),
    };
}
