"""Access endpoints: exchange a user name and password for an API token (login lockout applies)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from access.tokens import token_issue
from kernel.api import StrictCharField, error_responses, object_response, validated
from kernel.endpoints import Endpoint

WRONG_CREDENTIALS = "The user name or password is wrong, or the account is inactive."
TAG = "auth"


class TokenCreateApi(Endpoint):
    """The one operation open without credentials: it is how a client gets them."""

    authentication_classes = []
    permission_classes = [AllowAny]
    required_permissions = ()
    throttle_scope = "auth.token"

    class InputSerializer(serializers.Serializer):
        username = StrictCharField(max_length=150)
        password = StrictCharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})

        class Meta:
            ref_name = "TokenRequest"

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`. It is shown only now.")
        expiry = serializers.DateTimeField(help_text="When the token stops working.")
        username = serializers.CharField()

        class Meta:
            ref_name = "IssuedToken"

    def get_authenticate_header(self, request: Request) -> str:
        return "Token"  # a wrong password is a 401 (DRF makes it a 403 for views without authenticators)

    @extend_schema(
        operation_id="auth_token_create",
        tags=[TAG],
        summary="Get an API token with a user name and password",
        description=(
            "Answers a new token, which expires (API_TOKEN_TTL_HOURS) and is stored only as a hash, so it is "
            "shown once. After LOGIN_FAILURES_ALLOWED wrong passwords in a row the account is locked (429) for "
            "LOGIN_LOCKOUT_MINUTES, here and in the admin alike."
        ),
        auth=[],
        request=InputSerializer,
        responses={
            201: OpenApiResponse(OutputSerializer, description="The token was issued."),
            **error_responses(413, 415),
        },
    )
    def post(self, request: Request) -> Response:
        given = validated(self.InputSerializer, request.data)
        # The Django request, so django-axes counts the failure and can lock the account.
        user = authenticate(request._request, username=given["username"], password=given["password"])
        if user is None:
            raise exceptions.AuthenticationFailed(WRONG_CREDENTIALS)
        return object_response(self, token_issue(user=user), self.OutputSerializer, status_code=status.HTTP_201_CREATED)
