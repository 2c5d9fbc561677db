"""The IAM evaluator's error paths, three-valued results and properties.

Rules from the IAM User Guide (element reference pages, "Condition operators", "Policy evaluation
logic"); expected verdicts in the property tests come from evaluating every completion of the
unknowns, never from a hard-coded result.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from network_trail.errors import NetworkTrailError
from network_trail.model.iam import (
    ABSENT,
    UNKNOWN,
    Evaluation,
    Request,
    RequestPrincipal,
    Verdict,
    evaluate,
    evaluate_policy,
    parse_policy,
)

ACCT, OTHER = "111122223333", "444455556666"
PAGE = "https://docs.aws.amazon.com/"


def doc(**statement: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    base.update(statement)
    return {"Version": "2012-10-17", "Statement": [{k: v for k, v in base.items() if v is not None}]}


# --- parse_policy: every error path names policy, statement, element, value, rule, fix and page ---

BAD_STATEMENTS: list[tuple[str, dict[str, Any], tuple[str, ...]]] = [
    ("effect", {"Effect": "allow"}, ("Effect", "'allow'", '"Allow" or "Deny"')),
    ("sid-type", {"Sid": 7}, ("Sid", "7", "must be a string")),
    (
        "unknown-element",
        {"Actions": "s3:*"},
        ("'Actions'", "not a statement element", "did you mean 'Action'"),
    ),
    ("action-missing", {"Action": None}, ("Action/NotAction", "is missing")),
    ("action-and-notaction", {"NotAction": "s3:*"}, ("Action/NotAction", "not both")),
    ("action-format", {"Action": "s3GetObject"}, ("Action", "'s3GetObject'", "<service-prefix>:<action>")),
    ("action-empty", {"Action": []}, ("Action", "must not be empty")),
    ("action-type", {"Action": 5}, ("Action", "5", "a string or a list of strings")),
    ("resource-and-notresource", {"NotResource": "*"}, ("Resource/NotResource", "not both")),
    (
        "principal-and-notprincipal",
        {"Principal": "*", "NotPrincipal": "*"},
        ("Principal/NotPrincipal", "not both"),
    ),
    (
        "principal-string",
        {"Principal": "arn:aws:iam::111122223333:root"},
        ("Principal", 'must be "*" or an object'),
    ),
    ("principal-kind", {"Principal": {"Aws": "*"}}, ("Principal kind", "'Aws'", "did you mean 'AWS'")),
    (
        "principal-value",
        {"Principal": {"AWS": [1]}},
        ("Principal.AWS", "[1]", "a string or a list of strings"),
    ),
    ("condition-type", {"Condition": ["StringEquals"]}, ("Condition", "must be an object")),
    (
        "operator-unknown",
        {"Condition": {"StringEqual": {"aws:username": "a"}}},
        ("'StringEqual'", "not a condition operator", "did you mean 'StringEquals'"),
    ),
    (
        "set-operator-unknown",
        {"Condition": {"ForAll:StringEquals": {"aws:TagKeys": "a"}}},
        ("'ForAll:StringEquals'", "unknown set operator"),
    ),
    (
        "null-ifexists",
        {"Condition": {"NullIfExists": {"aws:TagKeys": "true"}}},
        ("'NullIfExists'", "not a condition operator"),
    ),
    (
        "set-ifexists",
        {"Condition": {"ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": "a"}}},
        ("set operator with IfExists", "does not support"),
    ),
    (
        "operator-block",
        {"Condition": {"StringEquals": "aws:username"}},
        ("Condition StringEquals", "must be an object"),
    ),
    (
        "condition-value",
        {"Condition": {"StringEquals": {"aws:username": {"a": 1}}}},
        ("Condition StringEquals aws:username", "string, number, bool"),
    ),
    (
        "condition-empty-list",
        {"Condition": {"StringEquals": {"aws:username": []}}},
        ("Condition StringEquals aws:username", "non-empty list"),
    ),
    (
        "bool-value",
        {"Condition": {"Bool": {"aws:SecureTransport": "yes"}}},
        ("Condition Bool aws:SecureTransport", "'yes'", '"true" or "false"'),
    ),
    (
        "numeric-value",
        {"Condition": {"NumericLessThan": {"s3:max-keys": "ten"}}},
        ("'ten'", "must be a number"),
    ),
    (
        "date-value",
        {"Condition": {"DateLessThan": {"aws:CurrentTime": "tomorrow"}}},
        ("'tomorrow'", "ISO 8601"),
    ),
    ("ip-value", {"Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.300"}}}, ("'10.0.0.300'", "IPv4/IPv6")),
    (
        "variable-resource",
        {"Resource": "arn:aws:s3:::b/${aws:username}/*"},
        ("Resource", "policy variable", "does not support"),
    ),
    (
        "variable-condition",
        {"Condition": {"StringLike": {"s3:prefix": "home/${aws:username}/"}}},
        ("policy variable",),
    ),
]


@pytest.mark.parametrize(
    ("statement", "fragments"), [(s, f) for _, s, f in BAD_STATEMENTS], ids=[i for i, _, _ in BAD_STATEMENTS]
)
def test_parse_error_names_policy_statement_element_rule_and_fix(
    statement: dict[str, Any], fragments: tuple[str, ...]
) -> None:
    document = doc(Sid="Mine", **statement) if "Sid" not in statement else doc(**statement)
    with pytest.raises(NetworkTrailError) as raised:
        parse_policy(document, name="BucketPolicy")
    message = str(raised.value)
    assert "policy 'BucketPolicy', statement 0" in message
    assert "Fix:" in message and PAGE in message
    for fragment in fragments:
        assert fragment in message


@pytest.mark.parametrize(
    ("document", "fragments"),
    [
        ("{not json", ("is not valid JSON",)),
        ("[1, 2]", ("must be a JSON object with a Statement",)),
        (
            {"Version": "2012-10-18", "Statement": doc()["Statement"]},
            ("Version", "'2012-10-18'", "2012-10-17 or 2008-10-17"),
        ),
        (
            {"Version": "2012-10-17", "Statment": []},
            ("'Statment'", "did you mean 'Statement'", "Statement None"),
        ),
        ({"Version": "2012-10-17", "Statement": []}, ("Statement []", "non-empty list")),
        ({"Statement": ["Allow"]}, ("statement 0", "Statement 'Allow'", "must be an object")),
    ],
    ids=["json", "not-object", "version", "top-level-element", "statement-empty", "statement-type"],
)
def test_parse_error_for_the_document(document: Any, fragments: tuple[str, ...]) -> None:
    with pytest.raises(NetworkTrailError) as raised:
        parse_policy(document, name="KeyPolicy")
    message = str(raised.value)
    assert "policy 'KeyPolicy'" in message and "Fix:" in message
    for fragment in fragments:
        assert fragment in message


def test_parse_lists_every_bad_statement_with_its_sid() -> None:
    document = {
        "Statement": [{"Sid": "A", "Effect": "Permit", "Action": "*"}, {"Effect": "Allow", "Action": "x"}]
    }
    with pytest.raises(NetworkTrailError) as raised:
        parse_policy(document, name="P")
    assert len(raised.value.problems) == 2
    assert "statement 0 (Sid 'A'): Effect 'Permit'" in raised.value.problems[0]
    assert "statement 1: Action 'x'" in raised.value.problems[1]


def test_variables_are_literal_without_version() -> None:
    # IAM User Guide, "Variables and tags": without Version 2012-10-17 ${...} is not a variable.
    policy = parse_policy(
        {"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/${x}"}}, name="P"
    )
    principal = RequestPrincipal(ACCT, f"arn:aws:iam::{ACCT}:role/R")
    assert (
        evaluate_policy(policy, Request("s3:GetObject", "arn:aws:s3:::b/${x}", principal)).verdict
        is Verdict.ALLOW
    )


@pytest.mark.parametrize(
    ("build", "fragment"),
    [
        (lambda: Request("", "*", RequestPrincipal(ACCT)), "Request action=''"),
        (lambda: Request("s3:GetObject", 5, RequestPrincipal(ACCT)), "Request resource=5"),  # type: ignore[arg-type]
        (lambda: Request("s3:GetObject", "*", ACCT), "Request principal='111122223333'"),  # type: ignore[arg-type]
        (
            lambda: Request("s3:GetObject", "*", RequestPrincipal(ACCT), {"aws:TagKeys": ["a"]}),
            "context['aws:TagKeys']",
        ),  # type: ignore[dict-item]
        (lambda: RequestPrincipal(111122223333), "RequestPrincipal account=111122223333"),  # type: ignore[arg-type]
        (
            lambda: evaluate(Request("s3:GetObject", "*", RequestPrincipal(ACCT)), resource_kind="KMS"),
            "resource_kind='KMS'",
        ),  # type: ignore[arg-type]
    ],
    ids=["action", "resource", "principal", "context", "account", "resource-kind"],
)
def test_bad_request_inputs(build: Any, fragment: str) -> None:
    with pytest.raises(NetworkTrailError) as raised:
        build()
    assert fragment in str(raised.value) and "Fix:" in str(raised.value)


# --- three-valued results on the unknown parts of a request ---

ROLE = RequestPrincipal(ACCT, f"arn:aws:iam::{ACCT}:role/R")


def one(document: dict[str, Any], request: Request) -> Evaluation:
    return evaluate_policy(parse_policy(document, name="P"), request)


def test_unknown_action_decided_by_a_star_and_open_otherwise() -> None:
    assert one(doc(Action="*"), Request(UNKNOWN, "*", ROLE)).verdict is Verdict.ALLOW
    result = one(doc(), Request(UNKNOWN, "*", ROLE))
    assert result.verdict is Verdict.UNKNOWN and result.unknown_keys == {"Action"}
    assert result.possible == {Verdict.ALLOW, Verdict.IMPLICIT_DENY} and not result.denied


def test_unknown_resource_and_principal_are_named() -> None:
    result = one(doc(Resource="arn:aws:s3:::b/*"), Request("s3:GetObject", UNKNOWN, ROLE))
    assert result.unknown_keys == {"Resource"}
    result = one(doc(Principal={"AWS": ACCT}), Request("s3:GetObject", "*", RequestPrincipal.unknown()))
    assert result.unknown_keys == {"Principal"}


def test_principal_arn_of_another_known_account_is_certain() -> None:
    # The ARN names account 444455556666; a caller of 111122223333 cannot be it, whatever its ARN.
    result = one(
        doc(Principal={"AWS": f"arn:aws:iam::{OTHER}:role/R"}),
        Request("s3:GetObject", "*", RequestPrincipal(ACCT, UNKNOWN)),
    )
    assert result.verdict is Verdict.IMPLICIT_DENY


def test_open_world_missing_key_is_unknown_but_absent_key_is_known() -> None:
    policy = doc(Condition={"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}})
    assert one(policy, Request("s3:GetObject", "*", ROLE, absent_is_unknown=True)).unknown_keys == {
        "aws:SourceVpce"
    }
    known = Request("s3:GetObject", "*", ROLE, {"aws:sourcevpce": ABSENT}, absent_is_unknown=True)
    assert one(policy, known).verdict is Verdict.IMPLICIT_DENY


def test_unknown_deny_without_allow_is_denied_either_way() -> None:
    policy = {
        "Statement": [
            {
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ]
    }
    result = one(policy, Request("s3:GetObject", "*", ROLE, {"aws:SecureTransport": UNKNOWN}))
    assert result.verdict is Verdict.UNKNOWN and result.denied
    assert result.possible == {Verdict.EXPLICIT_DENY, Verdict.IMPLICIT_DENY}


def test_multivalued_value_without_set_operator_is_unknown() -> None:
    # The pages do not define a single-valued operator over several request values: no guess.
    result = one(
        doc(Condition={"StringEquals": {"aws:TagKeys": "a"}}),
        Request("s3:GetObject", "*", ROLE, {"aws:TagKeys": ("a", "b")}),
    )
    assert result.verdict is Verdict.UNKNOWN and result.unknown_keys == {"aws:TagKeys"}


def test_requests_hash_and_compare_by_value_with_case_insensitive_keys() -> None:
    first = Request("s3:GetObject", "*", ROLE, {"aws:TagKeys": ("a",), "AWS:SourceVpce": "vpce-1a2b3c4d"})
    second = Request("s3:GetObject", "*", ROLE, {"aws:sourcevpce": "vpce-1a2b3c4d", "aws:tagkeys": ("a",)})
    assert first == second and hash(first) == hash(second) and len({first, second}) == 1
    assert first != Request("s3:GetObject", "*", ROLE, {"aws:TagKeys": ("b",)})


def test_deciding_statements_and_reason() -> None:
    policy = {"Statement": [{"Sid": "Read", "Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}
    result = one(policy, Request("s3:GetObject", "*", ROLE))
    assert [str(r) for r in result.deciding] == [
        "P statement 0 (Sid 'Read')"
    ] and "P statement 0" in result.reason
    assert one(policy, Request("s3:PutObject", "*", ROLE)).deciding == ()


# --- properties: soundness of certain verdicts over every completion; monotonicity ---

KEYS: dict[str, list[Any]] = {
    "aws:PrincipalAccount": [ACCT, OTHER],
    "aws:SourceVpce": ["vpce-1a2b3c4d", "vpce-9f8e7d6c"],
    "aws:SecureTransport": [True, False],
    "aws:TagKeys": [("a",), ("a", "b"), ()],
}
ACTIONS, RESOURCES = ["s3:GetObject", "kms:Decrypt", "s3:PutObject"], ["arn:aws:s3:::b/k", "arn:aws:s3:::c/k"]
PRINCIPALS = [RequestPrincipal(a, f"arn:aws:iam::{a}:role/R") for a in (ACCT, OTHER)]
CONDITIONS = [
    {"StringEquals": {"aws:PrincipalAccount": ACCT}},
    {"StringNotEquals": {"aws:PrincipalAccount": ACCT}},
    {"StringLike": {"aws:SourceVpce": "vpce-1a*"}},
    {"StringEqualsIfExists": {"aws:SourceVpce": "vpce-9f8e7d6c"}},
    {"StringNotLike": {"aws:SourceVpce": "vpce-9f*"}},
    {"Null": {"aws:SourceVpce": "true"}},
    {"Bool": {"aws:SecureTransport": "false"}},
    {"BoolIfExists": {"aws:SecureTransport": "true"}},
    {"ForAnyValue:StringEquals": {"aws:TagKeys": "b"}},
    {"ForAllValues:StringEquals": {"aws:TagKeys": "a"}},
]

plain_statements = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(["Allow", "Deny"]),
        "Principal": st.sampled_from(
            ["*", {"AWS": ACCT}, {"AWS": f"arn:aws:iam::{OTHER}:role/R"}, {"AWS": OTHER}]
        ),
        "Action": st.sampled_from(["*", "s3:*", "s3:GetObject", "kms:Decrypt"]),
        "Resource": st.sampled_from(["*", "arn:aws:s3:::b/*"]),
        "Condition": st.lists(st.sampled_from(CONDITIONS), max_size=2).map(
            lambda cs: {k: v for c in cs for k, v in c.items()}
        ),
    }
)


def negate(statement: dict[str, Any], which: tuple[bool, bool, bool]) -> dict[str, Any]:
    """The statement with Principal, Action and/or Resource turned into NotPrincipal/NotAction/NotResource."""
    out = dict(statement)
    for element, flip in zip(("Principal", "Action", "Resource"), which, strict=True):
        if flip and not (element == "Principal" and out[element] == "*"):
            out["Not" + element] = out.pop(element)
    return out


statements = st.builds(negate, plain_statements, st.tuples(*[st.sampled_from([False, False, True])] * 3))
documents = st.lists(statements, min_size=1, max_size=4).map(
    lambda s: {"Version": "2012-10-17", "Statement": s}
)
maybe = st.sampled_from([UNKNOWN, None])  # None: take a known value from the draw


@st.composite
def requests(draw: st.DrawFn) -> Request:
    context: dict[str, Any] = {}
    for key, values in KEYS.items():
        choice = draw(st.sampled_from(["missing", "unknown", "absent", *range(len(values))]))
        if isinstance(choice, int):
            context[key] = values[choice]
        elif choice != "missing":
            context[key] = UNKNOWN if choice == "unknown" else ABSENT
    principal = draw(st.sampled_from([*PRINCIPALS, RequestPrincipal.unknown()]))
    return Request(
        action=draw(st.sampled_from([*ACTIONS, UNKNOWN])),
        resource=draw(st.sampled_from([*RESOURCES, UNKNOWN])),
        principal=principal,
        context=context,
        absent_is_unknown=draw(st.booleans()),
    )


def completions(request: Request) -> list[Request]:
    """Every request the unknowns of ``request`` could be (each unknown key: a value or absent)."""
    open_keys = [k for k in KEYS if request.value(k) is UNKNOWN]
    known = {k: v for k, v in request.context.items() if v is not UNKNOWN}
    out = []
    for action, resource, principal, *values in itertools.product(
        ACTIONS if request.action is UNKNOWN else [request.action],
        RESOURCES if request.resource is UNKNOWN else [request.resource],
        PRINCIPALS if request.principal.account is UNKNOWN else [request.principal],
        *([*KEYS[k], ABSENT] for k in open_keys),
    ):
        context = {**known, **dict(zip(open_keys, values, strict=True))}
        out.append(Request(action, resource, principal, context))
    return out


def check_sound(result: Evaluation, request: Request, again: Any) -> None:
    for complete in completions(request):
        verdict = again(complete).verdict
        assert verdict is not Verdict.UNKNOWN
        assert verdict in result.possible
        if result.verdict is not Verdict.UNKNOWN:
            assert verdict is result.verdict


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(documents, requests())
def test_certain_verdict_of_one_policy_holds_for_every_completion(
    document: dict[str, Any], request: Request
) -> None:
    policy = parse_policy(document, name="P")
    result = evaluate_policy(policy, request)
    assert (result.verdict is Verdict.UNKNOWN) == bool(
        result.unknown_keys
    ) or result.verdict is Verdict.UNKNOWN
    check_sound(result, request, lambda r: evaluate_policy(policy, r))


@SETTINGS
@given(documents, documents, st.booleans(), requests())
def test_certain_verdict_across_policies_holds_for_every_completion(
    identity: dict[str, Any], resource: dict[str, Any], kms: bool, request: Request
) -> None:
    for statement in identity["Statement"]:
        statement.pop("Principal", None)
        statement.pop("NotPrincipal", None)
    kwargs: dict[str, Any] = {
        "identity_policies": [parse_policy(identity, name="I")],
        "resource_policy": parse_policy(resource, name="R"),
        "resource_account": ACCT,
        "resource_kind": "kms" if kms else "s3",
    }
    result = evaluate(request, **kwargs)
    check_sound(result, request, lambda r: evaluate(r, **kwargs))


def added(document: dict[str, Any], statement: dict[str, Any]) -> dict[str, Any]:
    return {**document, "Statement": [*document["Statement"], statement]}


@SETTINGS
@given(documents, statements, requests())
def test_adding_an_allow_never_denies_and_adding_a_deny_never_allows(
    document: dict[str, Any], extra: dict[str, Any], request: Request
) -> None:
    before = evaluate_policy(parse_policy(document, name="P"), request)
    with_allow = evaluate_policy(
        parse_policy(added(document, {**extra, "Effect": "Allow"}), name="P"), request
    )
    with_deny = evaluate_policy(parse_policy(added(document, {**extra, "Effect": "Deny"}), name="P"), request)
    if before.verdict is Verdict.ALLOW:
        assert with_allow.verdict is Verdict.ALLOW
    if Verdict.EXPLICIT_DENY not in before.possible:
        assert Verdict.EXPLICIT_DENY not in with_allow.possible
    if Verdict.ALLOW not in before.possible:
        assert Verdict.ALLOW not in with_deny.possible
    assert with_deny.verdict is not Verdict.ALLOW or before.verdict is Verdict.ALLOW


@SETTINGS
@given(documents, documents, statements, st.booleans(), requests())
def test_adding_to_the_resource_policy_is_monotone_across_policies(
    identity: dict[str, Any], resource: dict[str, Any], extra: dict[str, Any], kms: bool, request: Request
) -> None:
    for statement in identity["Statement"]:
        statement.pop("Principal", None)
        statement.pop("NotPrincipal", None)
    kind = "kms" if kms else "s3"

    def run(res: dict[str, Any]) -> Evaluation:
        return evaluate(request, identity_policies=[parse_policy(identity, name="I")], resource_policy=parse_policy(res, name="R"),
                        resource_account=ACCT, resource_kind=kind)  # fmt: skip

    before, with_allow = run(resource), run(added(resource, {**extra, "Effect": "Allow"}))
    with_deny = run(added(resource, {**extra, "Effect": "Deny"}))
    if before.verdict is Verdict.ALLOW:
        assert with_allow.verdict is Verdict.ALLOW
    if Verdict.EXPLICIT_DENY not in before.possible:
        assert Verdict.EXPLICIT_DENY not in with_allow.possible
    if Verdict.ALLOW not in before.possible:
        assert Verdict.ALLOW not in with_deny.possible
