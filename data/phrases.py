"""What an investment officer writes in the sample's pipeline (all invented): stage notes, reasons
for dropping a project, and the outcomes, places and next steps of follow-ups.

Placeholders: {investor} the investor's short name, {platform} the responsible park or town,
{what} what the project builds, {mu} the land it needs in 亩, {leader} the linked leader,
{city} where the investor sits, {progress} how far construction is, in per cent.
"""

from __future__ import annotations

STAGE_NOTES = {
    "negotiating": ("首次接洽后进入实质性洽谈", "投资方确认扩产意向，进入洽谈", "完成初步对接，转入在谈"),
    "signed": ("签订投资协议", "签订投资合作协议及补充协议", "项目签约（市招商推介会集中签约）"),
    "registered": ("完成项目公司工商注册", "新设项目公司已领取营业执照"),
    "supplied": ("签订国有建设用地使用权出让合同，交付土地", "土地交付，办理不动产权证"),
    "started": ("取得施工许可证，开工建设", "举行开工仪式"),
    "producing": ("竣工验收，正式投产", "首条产线投产"),
    "on_hold": (
        "投资方董事会暂缓决策，待明年预算",
        "所选地块规划调整，待用地性质变更后再议",
        "投资方融资未完成，暂缓推进",
        "受行业周期影响，投资方放缓扩产节奏",
    ),
    "back": ("投资方重启项目，恢复洽谈", "规划调整完成，恢复推进"),
}
# a project that rents offices (R&D, software): its 供地 and 开工, and what is said then
OFFICE_NOTES = {
    "supplied": ("签订研发楼租赁合同，办公用房交付使用", "入驻园区科创中心，租赁用房交付"),
    "started": ("研发中心装修完成，团队入驻", "实验室装修进场"),
}
OFFICE_OUTCOMES = (
    "办公用房已交付，协调网络、门禁和实验室排风改造。",
    "了解{investor}团队入驻进度，协助办理人才公寓和研发费用加计扣除申报。",
    "召开入驻协调会，园区承诺两周内完成实验室水电改造。",
)
OFFICE_NEXT_STEPS = ("跟进装修和人员到岗。", "协助申报科技型中小企业和人才项目。")
DROP_REASONS = (
    "投资方战略调整，取消国内扩产计划",
    "投资方最终选址外省（对方给出更高的设备补贴）",
    "项目属高耗能工艺，能评预审未通过",
    "亩均税收承诺达不到园区准入标准，双方未达成一致",
    "投资方资金链紧张，项目终止",
    "产品路线变更，不再需要新建产能",
)

FOLLOW_UP_OUTCOMES = {
    "lead": (
        "初步了解{investor}扩产计划，意向在长三角布局生产基地，对{platform}的产业配套较感兴趣。",
        "向{investor}介绍{platform}的主导产业、土地和厂房资源，投资方索要了园区招商政策材料。",
        "{investor}计划新上{what}，正在比较江苏和浙江几处园区，希望了解土地价格和审批周期。",
    ),
    "negotiating": (
        "就{what}的用地规模（约{mu}亩）、投资强度和达产税收进行洽谈，投资方希望分期供地。",
        "投资方对拟选地块的交通和配套基本满意，提出希望园区代建部分厂房。",
        "讨论投资协议文本，双方在亩均税收承诺和设备补贴兑现节点上仍有分歧。",
    ),
    "signed": (
        "协助{investor}办理项目公司设立登记，商定注册资本和股东结构。",
        "对接环评、能评前期手续，投资方已委托第三方编制环评报告。",
        "召开项目推进会，明确供地时间表和各部门责任人。",
    ),
    "registered": (
        "项目公司已注册，协调自然资源部门加快挂牌出让程序。",
        "跟进土地出让前期工作，规划条件已出具，待挂牌。",
        "投资方询问供地进度，已说明地块拆迁扫尾工作预计下月完成。",
    ),
    "supplied": (
        "土地已交付，督促投资方尽快办理施工许可，争取按期开工。",
        "到现场查看场地平整情况，协调施工用水用电接入。",
        "召开开工前协调会，行政审批局现场指导施工图审查材料。",
    ),
    "started": (
        "项目主体结构施工中，工程形象进度约{progress}%，投资方反映设备进口清关较慢。",
        "到工地查看进度，协调解决施工车辆通行问题。",
        "项目一期厂房封顶，投资方计划明年二季度设备进场。",
    ),
    "on_hold": (
        "电话了解投资方近况，项目仍处于暂缓状态，保持联系。",
        "投资方表示待新一年预算确定后再议，已约定季度回访。",
    ),
}
# a city leader's visit and an inspection of sites say what they are, whatever the stage
KIND_OUTCOMES = {
    "leader_visit": (
        "{leader}带队拜访{investor}，表达全力支持项目落地的态度，投资方表示将加快内部决策。",
        "{leader}与{investor}董事长会谈，就{what}的投资节奏和配套需求交换意见，双方同意建立专班对接。",
        "{leader}听取项目进展汇报，要求{platform}和相关部门倒排时间表，投资方对服务效率表示认可。",
    ),
    "inspection": (
        "陪同{investor}考察{platform}拟选地块和周边配套，投资方对区位和交通较为满意。",
        "{investor}技术团队来启考察，对{platform}的蒸汽、污水处理能力提出具体需求，已书面答复。",
        "陪同投资方参观{platform}已建同行业企业，了解用工和产业链配套情况。",
    ),
}
FOLLOW_UP_NEXT_STEPS = {
    "lead": (
        "寄送园区招商手册和地块清单，邀请投资方来启考察。",
        "安排投资方来启实地考察。",
        "跟进投资方内部立项进度。",
    ),
    "negotiating": (
        "整理投资方需求，提交联合会审预审。",
        "修改投资协议文本，下周再次洽谈。",
        "邀请投资方高层来启，与市领导会谈。",
        "园区出具地块规划条件和配套说明。",
    ),
    "signed": ("督促投资方完成工商注册。", "协调环评、能评手续并联办理。"),
    "registered": ("跟进土地挂牌出让时间。", "协调供地前的拆迁扫尾。"),
    "supplied": ("督促办理施工许可。", "跟进开工准备。"),
    "started": ("跟进建设进度，协调设备进场。", "协助申报省重大项目。"),
    "on_hold": ("季度回访。",),
}
FOLLOW_UP_PLACES = {
    "call": ("电话",),
    "meeting": ("市商务局（招商局）三楼会议室", "{platform}管委会会议室", "市政府第二会议室"),
    "visit": ("投资方{city}总部", "投资方{city}办事处"),
    "leader_visit": ("投资方{city}总部", "市政府贵宾室"),
    "site": ("{investor}项目现场", "{investor}公司"),  # a local company, or a project being built
    "inspection": ("{platform}拟选地块现场", "{platform}标准厂房现场", "{platform}已建企业参观"),
}

# The joint review (联合会审) a land project held before it signed: each department's opinion, and
# the conditions of one passed with conditions.
REVIEW_OPINIONS = {
    "development_reform": "符合本市产业发展导向，同意。",
    "commerce": "投资方资信良好，同意。",
    "natural_resources": "用地符合国土空间规划，容积率、建筑系数满足控制指标，同意。",
    "housing_construction": "同意，按规划条件开展设计。",
    "administrative_approval": "同意，按程序办理相关审批。",
}
REVIEW_CONDITIONS = "设计容积率不低于 1.2；达产后亩均税收不低于 30 万元，写入投资协议。"
