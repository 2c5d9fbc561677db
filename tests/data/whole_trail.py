"""One trail's selectors of every category, shared by the command-line tests of whole trails (issue 19).

The first PutEventSelectors example of the CloudTrail API reference: management events and the S3 data
events of one bucket (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html),
with a network activity selector added as the User Guide's network activity page does
(https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-network-events-with-cloudtrail.html).
"""

from __future__ import annotations

from typing import Any

WHOLE_TRAIL: list[dict[str, Any]] = [
    {"Name": "Management events", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
    {
        "Name": "S3 data events for one bucket",
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
            {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::amzn-s3-demo-bucket/"]},
        ],
    },
    {
        "Name": "Network activity for KMS",
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["NetworkActivity"]},
            {"Field": "eventSource", "Equals": ["kms.amazonaws.com"]},
        ],
    },
]
