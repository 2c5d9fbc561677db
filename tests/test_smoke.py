"""The minimal call synthesizes the whole bundle."""

from aws_cdk.assertions import Template


def test_minimal_call_creates_the_bundle(default_template: Template) -> None:
    # GIVEN NetworkTrail(stack, "NetworkTrail") with no props
    # THEN the trail, its log bucket, access-log bucket, key and alias exist
    default_template.resource_count_is("AWS::CloudTrail::Trail", 1)
    default_template.resource_count_is("AWS::S3::Bucket", 2)
    default_template.resource_count_is("AWS::KMS::Key", 1)
    default_template.resource_count_is("AWS::KMS::Alias", 1)
