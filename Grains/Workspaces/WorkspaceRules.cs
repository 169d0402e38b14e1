using System.Collections.Immutable;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Workspaces;

/// <summary>The validation a workspace applies before it changes anything; each failure names the field and the rule.</summary>
public static class WorkspaceRules
{
    /// <summary>The most API keys one workspace may hold, revoked ones included.</summary>
    public const int MaxKeys = 200;

    public static void ValidateName(string? name) => ValidateText(name, "name", 100);

    public static void ValidateDisplayName(string? displayName) => ValidateText(displayName, "displayName", 100);

    public static void ValidateUserId(string? userId) => ValidateText(userId, "userId", 256);

    public static void ValidateKeyName(string? keyName) => ValidateText(keyName, "keyName", 100);

    public static void Validate(WorkspacePatch patch)
    {
        ArgumentNullException.ThrowIfNull(patch);
        if (patch.Name is not null)
        {
            ValidateName(patch.Name);
        }

        if (patch.ApprovalRequired is { } required && required.Contains(ToolClass.Read))
        {
            throw new ArgumentException("approvalRequired: read-only tools never wait for approval.", nameof(patch));
        }

        if (patch.FourEyes is { } fourEyes && fourEyes.Contains(ToolClass.Read))
        {
            throw new ArgumentException("fourEyes: read-only tools never wait for approval.", nameof(patch));
        }

        if (patch.ApprovalExpiry is { } expiry && (expiry < TimeSpan.FromMinutes(1) || expiry > TimeSpan.FromDays(30)))
        {
            throw new ArgumentException("approvalExpiry must be between 1 minute and 30 days.", nameof(patch));
        }

        if (patch.WebhookAllowlist is { } allowlist)
        {
            if (allowlist.Length > 50)
            {
                throw new ArgumentException("webhookAllowlist holds at most 50 URLs.", nameof(patch));
            }

            foreach (var url in allowlist)
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || !string.IsNullOrEmpty(uri.UserInfo))
                {
                    throw new ArgumentException($"webhookAllowlist: '{url}' is not an absolute http(s) URL without credentials.", nameof(patch));
                }
            }
        }

        if (patch.Model is { } model)
        {
            Validate(model);
        }

        if (patch.Egress is { } egress && !(Enum.IsDefined(egress.Email) && Enum.IsDefined(egress.Phone) && Enum.IsDefined(egress.CardNumber)))
        {
            throw new ArgumentException("egress: each of email, phone and cardNumber is allow, redact or block.", nameof(patch));
        }
    }

    /// <summary>
    /// A workspace chooses a catalogue entry and may lower its output limit; anything that would set a price, a provider
    /// or where the operator's key goes is refused, with what is accepted instead.
    /// </summary>
    public static void Validate(WorkspaceModelPatch model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var refused = new List<string>();
        if (model.Provider is not null)
        {
            refused.Add("provider");
        }

        if (model.Model is not null)
        {
            refused.Add("model");
        }

        if (model.BaseUrl is not null)
        {
            refused.Add("baseUrl");
        }

        if (model.InputPricePer1kTokens is not null)
        {
            refused.Add("inputPricePer1kTokens");
        }

        if (model.OutputPricePer1kTokens is not null)
        {
            refused.Add("outputPricePer1kTokens");
        }

        if (refused.Count > 0)
        {
            throw new ArgumentException(
                $"model: {string.Join(", ", refused)} cannot be set by a workspace: prices, providers and base URLs are the operator's, set in the model catalogue. "
                + "A workspace sends model.catalogId (one of GET /v1/models) and optionally a lower model.maxOutputTokens; nothing else.",
                nameof(model));
        }

        if (model.CatalogId is null && model.MaxOutputTokens is null)
        {
            throw new ArgumentException("model: send catalogId (one of GET /v1/models), maxOutputTokens (a lower limit per call), or both.", nameof(model));
        }

        if (model.CatalogId is not null)
        {
            ValidateText(model.CatalogId, "model.catalogId", 64);
        }

        if (model.MaxOutputTokens is < 1)
        {
            throw new ArgumentException("model.maxOutputTokens must be at least 1 (and at most the catalogue entry's limit).", nameof(model));
        }
    }

    public static void Validate(CreateApiKey request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ValidateText(request.Name, "name", 100);
        ValidateUserId(request.UserId);
        if (request.Scopes is null || request.Scopes.IsEmpty)
        {
            throw new ArgumentException("scopes: a key needs at least one scope.", nameof(request));
        }

        if (request.ExpiresAt is { } expires && expires <= now)
        {
            throw new ArgumentException("expiresAt must be in the future.", nameof(request));
        }
    }

    /// <summary>Whether a member with <paramref name="roles"/> may hold a key with <paramref name="scope"/>.</summary>
    public static bool RolesAllow(ImmutableSortedSet<WorkspaceRole> roles, ApiKeyScope scope) => scope switch
    {
        ApiKeyScope.Admin => roles.Contains(WorkspaceRole.Admin) || roles.Contains(WorkspaceRole.Owner),
        ApiKeyScope.Approver => roles.Contains(WorkspaceRole.Approver),
        _ => !roles.IsEmpty,
    };

    private static void ValidateText(string? value, string field, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{field} is required.", field);
        }

        if (value.Length > maxLength)
        {
            throw new ArgumentException($"{field} must be at most {maxLength} characters.", field);
        }

        if (value.Any(char.IsControl))
        {
            throw new ArgumentException($"{field} must not contain control characters.", field);
        }
    }
}
