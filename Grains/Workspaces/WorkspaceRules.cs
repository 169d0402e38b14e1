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

    public static void Validate(ModelSettings model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Provider is not ("local" or "openai"))
        {
            throw new ArgumentException("model.provider must be 'local' or 'openai'.", nameof(model));
        }

        ValidateText(model.Model, "model.model", 100);
        if (model.Provider == "openai" && (model.BaseUrl is null || !Uri.TryCreate(model.BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            throw new ArgumentException("model.baseUrl must be an absolute http(s) URL for provider 'openai'.", nameof(model));
        }

        if (model.InputPricePer1kTokens < 0 || model.OutputPricePer1kTokens < 0 || model.InputPricePer1kTokens > 100_000_000 || model.OutputPricePer1kTokens > 100_000_000)
        {
            throw new ArgumentException("model prices must be between 0 and 100,000,000 micro-dollars per 1,000 tokens.", nameof(model));
        }

        if (model.MaxOutputTokens is < 1 or > 1_000_000)
        {
            throw new ArgumentException("model.maxOutputTokens must be between 1 and 1,000,000.", nameof(model));
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
