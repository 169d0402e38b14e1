using Microsoft.Extensions.Options;

namespace Platform.Grains.Models;

/// <summary>Checks every configured catalogue entry at start-up, with the same rules the operator API applies.</summary>
internal sealed class ModelCatalogOptionsValidator(IOptions<OpenAIModelOptions> providers) : IValidateOptions<ModelCatalogOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelCatalogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Catalog.Count; i++)
        {
            var entry = options.Catalog[i].ToEntry();
            var where = $"{ModelCatalogOptions.SectionName}:Catalog:{i} (id '{entry.Id}')";
            if (ModelCatalogRules.Problem(entry, providers.Value) is { } problem)
            {
                failures.Add($"{where}: {problem}");
            }
            else if (!seen.Add(entry.Id))
            {
                failures.Add($"{where}: the id is configured twice; each catalogue id names one entry.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
