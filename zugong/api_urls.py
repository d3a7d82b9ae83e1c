"""URLs under /api/: the resources, token login, the OpenAPI schema and its documentation page.

The token view lives here rather than in `zugong.core.api`: that module is loaded by DRF's settings while
`rest_framework.views` is still being imported, so it cannot define an APIView.
"""

from django.contrib.auth import authenticate, user_logged_in
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.urls import include, path, re_path, reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.renderers import JSONRenderer, TemplateHTMLRenderer
from rest_framework.routers import APIRootView, DefaultRouter
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from zugong.accounts import services as account_services
from zugong.core import audit
from zugong.core.middleware import client_ip
from zugong.accounts.models import ApiToken
from zugong.workbench.findings_api import FindingViewSet
from zugong.cadres.api import router_register as register_cadres
from zugong.appointments.api import router_register as register_appointments
from zugong.members.api import router_register as register_members
from zugong.recruitment.api import router_register as register_recruitment
from zugong.branchlife.api import router_register as register_branchlife
from zugong.elections.api import router_register as register_elections
from zugong.standardization.api import router_register as register_standardization
from zugong.weakorgs.api import router_register as register_weakorgs
from zugong.assessment.api import router_register as register_assessment
from zugong.training.api import router_register as register_training
from zugong.service.api import router_register as register_service
from zugong.talent.api import router_register as register_talent
from zugong.stats.api import register as register_stats
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
    token = serializers.CharField(label="令牌", help_text="在请求头中使用：`Authorization: Token <令牌>`；只返回这一次")
    expires = serializers.DateTimeField(label="到期时间", help_text="令牌到期的时间")


class ObtainTokenView(APIView):
    """Exchange a user name and password for a new API token (its plaintext answered once; only its digest is
    kept, it expires after ZUGONG_TOKEN_DAYS); DELETE revokes the token of the request (all of the user's when
    signed in by session)."""

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
            "用用户名和密码换取一个新的 API 令牌。令牌明文只在此返回一次，平台只保存其摘要；"
            "令牌到期（默认 30 天）、被撤销或修改密码后失效。"
            "之后的请求在请求头中带 `Authorization: Token <令牌>`。"
            "本接口限流（每分钟 10 次）；连续登录失败会按登录保护规则暂时锁定账号。"
        ),
        request=TokenLoginSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="用户名或密码错误，或缺少字段"),
            403: OpenApiResponse(description="登录失败次数过多，账号暂时锁定；或须先在网页上修改密码"),
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
        reason = user.must_change()
        if reason:
            raise exceptions.PermissionDenied(f"{reason}（请先登录网页修改密码，再获取令牌）")
        with audit.acting_as(user, ip=client_ip(request)):  # no session: the entry names the token's user
            token, key = account_services.issue_token(user)
        # A successful login: axes clears the failure count, last_login is updated.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        return Response({"token": key, "expires": token.expires_at})

    @extend_schema(
        tags=["认证"],
        summary="注销 API 令牌",
        description="撤销本次请求所用的 API 令牌（以网页登录状态调用时，撤销当前用户的全部令牌）；之后用它发出的请求都会被拒绝，需要重新获取。",
        request=None,
        responses={204: OpenApiResponse(description="已注销")},
    )
    def delete(self, request):
        tokens = [request.auth] if isinstance(request.auth, ApiToken) else list(ApiToken.objects.filter(user=request.user))
        for token in tokens:
            account_services.revoke_token(request.user, token)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---------------------------------------------------------------- the index (/api/)

# Each resource of the router: the group it is listed under and one line of what it is.
RESOURCES = {
    "orgs": ("组织与人员", "党组织：组织树、代码、类别、领域、换届；可按上级组织、类别筛选，可新增、修改、移动"),
    "people": ("组织与人员", "人员基本信息（公民身份号码脱敏显示），按姓名、拼音首字母、所在组织查询"),
    "members": ("党员管理", "党员组织关系：所在党支部、党员类别、入党和转正日期"),
    "recruitment/cases": ("党员管理", "发展党员纪实：25 个步骤的日期、培养联系人和入党介绍人"),
    "branchlife/meetings": ("组织生活", "“三会一课”、主题党日等组织生活记录"),
    "branchlife/compliance": ("组织生活", "各党支部组织生活按期落实情况"),
    "elections": ("组织建设", "换届选举记录及上级批复"),
    "standardization/scores": ("组织建设", "党支部标准化规范化建设评分和等次"),
    "weakorgs/rectifications": ("组织建设", "软弱涣散基层党组织整顿台账"),
    "cadres": ("干部工作", "干部信息：现任职务、职级、任职时间"),
    "appointments/cases": ("干部工作", "干部选拔任用纪实"),
    "appointments/observations": ("干部工作", "一线考察识别记录"),
    "dispatch/dispatches": ("干部工作", "驻村第一书记、工作队员等干部选派"),
    "dispatch/rotations": ("干部工作", "干部交流轮岗"),
    "teams": ("干部工作", "领导班子：职位、职数、班子成员和空缺"),
    "assessment/annual": ("考核", "年度考核：每人的拟定等次、确定等次、考核组、状态和未通过原因（含依据）"),
    "training/credits": ("培训", "学时台账：每人计入的学时记录（日期、类型、计算依据、来源、认定规则），可按公民身份号码、年度、类型筛选"),
    "findings": ("问题预警", "规则检查发现的问题：按规则、严重程度、是否已消除筛选"),
    "training/courses": ("培训", "课程库：课程代码、名称、类别、发布单位、时长、认定学时和课程资料，按类别、适用组织筛选"),
    "training/classes": ("培训", "培训班次：类型、是否脱产、起止日期、总学时、状态、学员人数；详情含课次"),
    "assessment/results": ("考核", "分类考核结果：每个单位的类别、得分、名次、等次、是否否决和得分明细，按 ?scheme=方案代码 筛选"),
    "training/hours": ("培训", "个人培训学时：按 ?person=公民身份号码&year=年度 查询全年计入学时、按类型的学时和每项培训要求的应达、已计、差额"),
    "service/tasks": ("我为群众办实事", "办实事事项：名称、责任组织、紧急程度、受理日期、办结期限、暂停工作日、状态、销号日期、满意度、复办次数，按 ?organization=组织代码&status= 筛选"),
    "talent/applications": ("人才工程", "人才项目申报：申报人、项目、批次、层次、工作单位、推荐单位代码、状态和资格预审结果（每项条件、是否符合、依据），按 ?program=项目代码&status= 筛选"),
    "talent/pool": ("人才工程", "人才库：人才姓名、人才项目代码、层次、专业领域、工作单位、支持期起止、状态、标签，按 ?program=项目代码&tier=层次&status=&field= 筛选"),
    "statistics/tables": ("党内统计", "党内统计年报：各版本的统计表（表号、表名）；按 /api/statistics/tables/表号/?organization=组织代码&date=统计截止日期 查询一张表各行各栏的数值"),
}


class ApiIndexView(APIRootView):
    """/api/: what the API offers, in Chinese (an HTML page for a browser, JSON for a client), with a link to
    the interactive documentation. Signed-in users with a grant only, like every resource."""

    renderer_classes = [JSONRenderer, TemplateHTMLRenderer]
    template_name = "api/index.html"

    def get(self, request, *args, **kwargs):
        groups: dict[str, list[dict]] = {}
        for prefix, viewset, basename in router.registry:
            group, line = RESOURCES.get(prefix, ("其他", ""))
            model = getattr(getattr(viewset, "queryset", None), "model", None)
            title = str(model._meta.verbose_name) if model is not None else prefix
            groups.setdefault(group, []).append({
                "title": title, "description": line,
                "path": reverse(f"api:{basename}-list"),
                "url": request.build_absolute_uri(reverse(f"api:{basename}-list")),
            })
        data = {
            "title": "组工平台 API",
            "description": "所有结果按当前用户的管辖范围过滤；写操作需要相应权限，并记入操作日志。",
            "docs": request.build_absolute_uri(reverse("api-docs")),
            "schema": request.build_absolute_uri(reverse("api-schema")),
            "token": request.build_absolute_uri(reverse("api-token")),
            "groups": [{"name": name, "resources": groups[name]}
                       for name in dict.fromkeys([g for g, _l in RESOURCES.values()] + list(groups)) if name in groups],
        }
        return Response(data)

    def handle_exception(self, exc):
        # A browser that is not signed in goes to the login page (a client gets 401/403 as from any resource).
        if (isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed))
                and not self.request.user.is_authenticated
                and "text/html" in self.request.META.get("HTTP_ACCEPT", "")):
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)


# ---------------------------------------------------------------- URLs

# The resources' URL names are namespaced: api:organization-list, api:organization-detail, api:person-…,
# api:api-root. Token, schema and docs keep plain names (api-token, api-schema, api-docs).
router = DefaultRouter()
router.APIRootView = ApiIndexView
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
register_assessment(router)
register_training(router)
register_service(router)
register_talent(router)
register_stats(router)

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]), name="api-schema"),
    path("docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    path("", include((router.urls, "api"))),
    # Any other address under /api/ (an id under a resource that has no detail, a mistyped resource) answers
    # the JSON 404 of every API answer, not the site's HTML page.
    re_path(r"^.+$", lambda request, *args, **kwargs: JsonResponse({"detail": "未找到。"}, status=404)),
]
