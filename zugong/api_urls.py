"""URLs under /api/: the resources, token login, the OpenAPI schema and its documentation page.

The token view lives here rather than in `zugong.core.api`: that module is loaded by DRF's settings while
`rest_framework.views` is still being imported, so it cannot define an APIView.
"""

from django.contrib.auth import authenticate, user_logged_in
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from zugong.workbench.findings_api import FindingViewSet
from zugong.cadres.api import router_register as register_cadres
from zugong.appointments.api import router_register as register_appointments
from zugong.members.api import router_register as register_members
from zugong.recruitment.api import router_register as register_recruitment
from zugong.branchlife.api import router_register as register_branchlife
from zugong.elections.api import router_register as register_elections
from zugong.standardization.api import router_register as register_standardization
from zugong.weakorgs.api import router_register as register_weakorgs
from zugong.dispatch.api import router_register as register_dispatch
from zugong.teams.api import router_register as register_teams
from zugong.orgs.api import OrganizationViewSet
from zugong.people.api import PersonViewSet

# ---------------------------------------------------------------- token login


class TokenLoginSerializer(serializers.Serializer):
    username = serializers.CharField(label="用户名", help_text="登录用户名")
    password = serializers.CharField(
        label="密码", help_text="登录密码", style={"input_type": "password"}, trim_whitespace=False, write_only=True
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(label="令牌", help_text="在请求头中使用：`Authorization: Token <令牌>`")


class ObtainTokenView(APIView):
    """Exchange a user name and password for the user's API token (created on first use); DELETE revokes it."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"
    serializer_class = TokenLoginSerializer

    def _revoking(self) -> bool:
        return getattr(self, "request", None) is not None and self.request.method == "DELETE"

    def get_authenticators(self):
        # Obtaining authenticates by password only (a stale token header must not get in the way);
        # revoking needs the caller's token or session.
        return [cls() for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES] if self._revoking() else []

    def get_permissions(self):
        return [IsAuthenticated()] if self._revoking() else super().get_permissions()

    def get_throttles(self):
        return [] if self._revoking() else super().get_throttles()

    @extend_schema(
        tags=["认证"],
        summary="获取 API 令牌",
        description=(
            "用用户名和密码换取 API 令牌（首次调用时生成，之后返回同一令牌，直到注销）。"
            "之后的请求在请求头中带 `Authorization: Token <令牌>`。"
            "本接口限流（每分钟 10 次）；连续登录失败会按登录保护规则暂时锁定账号。"
        ),
        request=TokenLoginSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="用户名或密码错误，或缺少字段"),
            403: OpenApiResponse(description="登录失败次数过多，账号暂时锁定"),
            429: OpenApiResponse(description="请求过于频繁"),
        },
        auth=[],
    )
    def post(self, request):
        serializer = TokenLoginSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # authenticate() gets the request: django-axes' backend needs it to count failures and lock out.
        # It is DRF's Request, so axes' lockout flag lands on it (not on the HttpRequest, where axes'
        # middleware would swap this JSON answer for the HTML lockout page).
        user = authenticate(request=request, username=data["username"], password=data["password"])
        if getattr(request, "axes_locked_out", False):
            raise exceptions.PermissionDenied("登录失败次数过多，账号已暂时锁定，请稍后再试")
        if user is None or not user.is_active:
            raise exceptions.ValidationError({"non_field_errors": ["用户名或密码错误"]}, code="authorization")
        token, _ = Token.objects.get_or_create(user=user)
        # A successful login: axes clears the failure count, last_login is updated.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        return Response({"token": token.key})

    @extend_schema(
        tags=["认证"],
        summary="注销 API 令牌",
        description="删除当前用户的 API 令牌；之后用它发出的请求都会被拒绝，需要重新获取。",
        request=None,
        responses={204: OpenApiResponse(description="已注销")},
    )
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---------------------------------------------------------------- URLs

# The resources' URL names are namespaced: api:organization-list, api:organization-detail, api:person-…,
# api:api-root. Token, schema and docs keep plain names (api-token, api-schema, api-docs).
router = DefaultRouter()
router.include_format_suffixes = False
router.register("orgs", OrganizationViewSet, basename="organization")
router.register("people", PersonViewSet, basename="person")
router.register("findings", FindingViewSet, basename="finding")
register_members(router)
register_recruitment(router)
register_cadres(router)
register_branchlife(router)
register_elections(router)
register_standardization(router)
register_weakorgs(router)
register_appointments(router)
register_dispatch(router)
register_teams(router)

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]), name="api-schema"),
    path("docs/", login_required(SpectacularSwaggerView.as_view(url_name="api-schema")), name="api-docs"),
    path("", include((router.urls, "api"))),
]
